-- The example bank (demo/bank.sql, the one the README uses), then its size.
\set ON_ERROR_STOP 1
\i demo/bank.sql
SET client_min_messages = warning;

\echo
\echo '======================================================================'
\echo ' crm demo: the example bank of the README (demo/bank.sql, seeded)'
\echo '======================================================================'
SELECT (SELECT count(*) FROM bank.branches) AS branches,
       (SELECT count(*) FROM bank.managers) AS managers,
       (SELECT count(*) FROM bank.customers) AS customers,
       (SELECT count(*) FROM bank.customers WHERE manager_id IS NULL) AS orphaned,
       (SELECT count(*) FROM bank.customers WHERE key_account) AS key_accounts,
       (SELECT count(*) FROM bank.accounts) AS accounts,
       (SELECT count(*) FROM bank.transactions) AS transactions,
       (SELECT count(*) FROM bank.contacts) AS contacts,
       bank.as_of() AS as_of;
