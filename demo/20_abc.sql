-- Report: Pareto / ABC classes by annual contribution.
\set ON_ERROR_STOP 1
\echo
\echo '== ABC classes by annual contribution (A: top 80% of contribution, B: next 15%, C: the rest)'
SELECT class, customers,
       round(100.0 * customers / sum(customers) OVER (), 1) AS pct_customers,
       round(100 * contribution / sum(contribution) OVER (), 1) AS pct_contribution,
       crm.bar(contribution, sum(contribution) OVER (), 30) AS share_of_contribution
FROM (SELECT class, count(*) AS customers, sum(contribution) AS contribution
      FROM (SELECT contribution, crm.abc(contribution::float8) OVER () AS class FROM bank.customers) s
      GROUP BY class) t
ORDER BY class;

\echo '== ABC within each segment (classes are computed per PARTITION BY segment)'
SELECT segment, class, count(*) AS customers, round(sum(contribution)) AS contribution
FROM (SELECT segment, contribution, crm.abc(contribution::float8) OVER (PARTITION BY segment) AS class
      FROM bank.customers) s
GROUP BY 1, 2 ORDER BY 1, 2;
