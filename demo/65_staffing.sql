-- Report: staffing checks per unit.  Units of the demo bank (seeded): each
-- branch's settlement department, its corporate outlets and, in some
-- branches, corporate teams by tier, with their headcount per role.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT setseed(0.65) \gset

DROP TABLE IF EXISTS bank.units;
CREATE TABLE bank.units AS
SELECT row_number() OVER (ORDER BY branch_id, kind_order, k)::int AS unit_id, branch_id, kind, name,
       managers, cash_specialists, credit_specialists
FROM (
	SELECT b.branch_id, 1 AS kind_order, 1 AS k, 'settlement_department' AS kind,
	       format('%s settlement dept', b.name) AS name,
	       2 + floor(random() * 3)::int AS managers, 0 AS cash_specialists, 0 AS credit_specialists
	FROM (SELECT * FROM bank.branches ORDER BY branch_id) b
	UNION ALL
	SELECT b.branch_id, 2, o, 'corporate_outlet', format('%s outlet %s', b.name, o),
	       floor(random() * 3.4)::int, 0, 0
	FROM (SELECT * FROM bank.branches ORDER BY branch_id) b, generate_series(1, b.outlets) o
	UNION ALL
	SELECT b.branch_id, 3, t.k, t.kind, format('%s %s team', b.name, t.kind),
	       t.base + floor(random() * t.base)::int, floor(random() * 4)::int, 1 + floor(random() * 3)::int
	FROM (SELECT * FROM bank.branches ORDER BY branch_id) b,
	     (VALUES (1, 'large', 2), (2, 'mid', 5), (3, 'sme_face_to_face', 12), (4, 'sme_phone', 30)) t(k, kind, base)
	WHERE (b.branch_id + t.k) % 3 = 0
) u;
ALTER TABLE bank.units ADD PRIMARY KEY (unit_id);

\echo
\echo '======================================================================'
\echo ' Staffing per unit: managers and specialists against the rules'
\echo '======================================================================'
\echo '== The staffing rules (managers [minimum, target]; managers per specialist [low, high])'
SELECT * FROM crm.staffing_rules();

\echo '== Units below their staffing minimum or target, and what is missing of each role'
SELECT u.name AS unit, g.role, g.staffed, g.minimum, g.target, g.short_of_minimum, g.short_of_target
FROM bank.units u, crm.staffing_gap(u.kind, u.managers, u.cash_specialists, u.credit_specialists) g
WHERE g.short_of_target > 0
ORDER BY g.short_of_minimum DESC, g.short_of_target DESC, u.unit_id, g.role
LIMIT 15;

\echo '== Gaps by kind of unit: people missing to the minimum and to the target'
SELECT u.kind, count(DISTINCT u.unit_id) AS units,
       count(DISTINCT u.unit_id) FILTER (WHERE g.short_of_minimum > 0) AS units_below_minimum,
       sum(g.short_of_minimum) FILTER (WHERE g.role = 'manager') AS managers_missing,
       sum(g.short_of_minimum) FILTER (WHERE g.role <> 'manager') AS specialists_missing,
       sum(g.short_of_target) AS missing_to_target
FROM bank.units u, crm.staffing_gap(u.kind, u.managers, u.cash_specialists, u.credit_specialists) g
GROUP BY u.kind ORDER BY min(u.unit_id);
