-- Report: daily contact quotas ("511": 5 effective contacts and 1 sale, or
-- 1 written reason, per manager per day).  Daily records of every manager
-- for the working days of October 2026 (seeded; some days have none).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
-- bank.daily_contacts and the view bank.working_days (demo/bank.sql)

\echo
\echo '== Daily quota "511" (5 effective contacts and 1 sale or 1 written reason), October: the ten lowest'
\echo '   (a working day without a record counts as missed)'
SELECT w.name, count(*) AS working_days, count(d.day) AS recorded,
       count(*) FILTER (WHERE crm.quota_met(d.contacts, d.sales, d.reasons)) AS met,
       round(100 * avg(crm.quota_met(d.contacts, d.sales, d.reasons)::int)) || '%' AS compliance,
       crm.bar(avg(crm.quota_met(d.contacts, d.sales, d.reasons)::int), 1, 20) AS chart
FROM bank.working_days w LEFT JOIN bank.daily_contacts d USING (manager_id, day)
GROUP BY w.manager_id, w.name ORDER BY avg(crm.quota_met(d.contacts, d.sales, d.reasons)::int), w.manager_id
LIMIT 10;

\echo '== Quota compliance per branch: "511" against "510" (a written reason does not replace the sale)'
SELECT br.name AS branch,
       round(100 * avg(crm.quota_met(d.contacts, d.sales, d.reasons)::int)) || '%' AS q511,
       round(100 * avg(crm.quota_met(d.contacts, d.sales, d.reasons, '510')::int)) || '%' AS q510,
       crm.bar(avg(crm.quota_met(d.contacts, d.sales, d.reasons)::int), 1, 20) AS chart_511
FROM bank.working_days w JOIN bank.branches br USING (branch_id) LEFT JOIN bank.daily_contacts d USING (manager_id, day)
GROUP BY br.branch_id, br.name ORDER BY br.branch_id;
