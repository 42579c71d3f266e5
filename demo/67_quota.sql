-- Report: daily contact quotas ("511": 5 effective contacts and 1 sale, or
-- 1 written reason, per manager per day).  Daily records of every manager
-- for the working days of October 2026 (seeded; some days have none).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT setseed(0.67) \gset

-- daily contact records, drawn in manager and day order
DROP TABLE IF EXISTS bank.daily_contacts;
CREATE TABLE bank.daily_contacts AS
SELECT m.manager_id, d.day,
       floor(3 + 5 * random() * m.diligence)::int AS effective_contacts,
       (random() < 0.3 * m.diligence)::int AS sales,
       (random() < 0.75)::int AS written_reasons
FROM (SELECT manager_id, 0.8 + 0.6 * random() AS diligence FROM bank.managers ORDER BY manager_id) m,
     (SELECT d::date AS day FROM generate_series(date '2026-10-01', date '2026-10-31', '1 day') d
      WHERE extract(isodow FROM d) < 6 ORDER BY 1) d
WHERE random() < 0.93
ORDER BY m.manager_id, d.day;

CREATE TEMP VIEW working_days AS
SELECT m.manager_id, m.branch_id, m.name, d::date AS day
FROM bank.managers m, generate_series(date '2026-10-01', date '2026-10-31', '1 day') d
WHERE extract(isodow FROM d) < 6;

\echo
\echo '== Daily quota "511" (5 effective contacts and 1 sale or 1 written reason), October: the ten lowest'
\echo '   (a working day without a record counts as missed)'
SELECT w.name, count(*) AS working_days, count(d.day) AS recorded,
       count(*) FILTER (WHERE crm.quota_met(d.effective_contacts, d.sales, d.written_reasons)) AS met,
       round(100 * avg(crm.quota_met(d.effective_contacts, d.sales, d.written_reasons)::int)) || '%' AS compliance,
       crm.bar(avg(crm.quota_met(d.effective_contacts, d.sales, d.written_reasons)::int), 1, 20) AS chart
FROM working_days w LEFT JOIN bank.daily_contacts d USING (manager_id, day)
GROUP BY w.manager_id, w.name ORDER BY avg(crm.quota_met(d.effective_contacts, d.sales, d.written_reasons)::int), w.manager_id
LIMIT 10;

\echo '== Quota compliance per branch: "511" against "510" (a written reason does not replace the sale)'
SELECT br.name AS branch,
       round(100 * avg(crm.quota_met(d.effective_contacts, d.sales, d.written_reasons)::int)) || '%' AS q511,
       round(100 * avg(crm.quota_met(d.effective_contacts, d.sales, d.written_reasons, '510')::int)) || '%' AS q510,
       crm.bar(avg(crm.quota_met(d.effective_contacts, d.sales, d.written_reasons)::int), 1, 20) AS chart_511
FROM working_days w JOIN bank.branches br USING (branch_id) LEFT JOIN bank.daily_contacts d USING (manager_id, day)
GROUP BY br.branch_id, br.name ORDER BY br.branch_id;
