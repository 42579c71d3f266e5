-- Values of crm.tiers and crm.scorecard for the pg_dump / pg_restore check
-- (scripts/dump-restore-test.sh).  Every table in schema dump_check is
-- compared, as text, between the dumped and the restored database.
CREATE TABLE dump_check.tiers_values (id int PRIMARY KEY, scheme crm.tiers);
INSERT INTO dump_check.tiers_values
SELECT 0, NULL
UNION ALL
SELECT row_number() OVER (), tiers FROM crm.tiers_presets()
UNION ALL
SELECT 10, '{"a b", "x\"y\\z" >= -1.5e-300, 金葵花 >= 0.1, top >= 1.7976931348623157e308}';

CREATE TABLE dump_check.scorecard_values (id int PRIMARY KEY, card crm.scorecard);
INSERT INTO dump_check.scorecard_values VALUES
	(0, NULL),
	(1, 'name aml; version 2026.1; strict; region: category {high_risk: 30, "a b": 1.5, *: 0, null: 20}; fund_size: numeric {0, 5 >= 100000, 15 >= 1e6, null: 10}; levels: {low, medium >= 40, high >= 70}'),
	(2, '"null": category {"null": 0.1, 金葵花: -0.30000000000000004}; levels: {"lo w", hi >= 2.5e-7}');
