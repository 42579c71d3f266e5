-- Report: lifecycle stages as of the report date.
\set ON_ERROR_STOP 1
\echo
\echo '== Lifecycle stages as of the report date (new < 3 months, loyal = active all 12 months, dormant > 90 days idle, lost > 365)'
SELECT stage, customers, round(100.0 * customers / sum(customers) OVER (), 1) AS pct,
       round(avg_contribution) AS avg_contribution,
       crm.bar(customers, max(customers) OVER (), 30) AS chart
FROM (SELECT crm.lifecycle(first_active, last_active, active_months, bank.as_of()) AS stage,
             count(*) AS customers, avg(contribution) AS avg_contribution
      FROM bank.customers GROUP BY 1) s
ORDER BY array_position(ARRAY['potential', 'new', 'active', 'loyal', 'dormant', 'lost'], stage);
