-- Report: staffing checks per unit.  Units of the demo bank (seeded): each
-- branch's settlement department, its corporate outlets and, in some
-- branches, corporate teams by tier, with their headcount per role.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
-- the units and their headcount per role: bank.units (demo/bank.sql)

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
