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

-- The largest values the limits allow (sql/trust_edges_scoring.sql builds the
-- same): 1,000 tiers of 200-byte labels that all need escaping, and a card
-- whose canonical text is exactly the 16 MB cap (16,777,216 bytes).
INSERT INTO dump_check.tiers_values
SELECT 11, crm.tiers(array_agg(repeat('"', 196) || lpad(i::text, 4, '0') ORDER BY i),
                     array_agg(i / 3.0::float8 ORDER BY i) FILTER (WHERE i > 0))
FROM generate_series(0, 999) i;
INSERT INTO dump_check.scorecard_values
SELECT 3, (string_agg(format('f%s: category {%s, *: 0, null: 0}', lpad(f::text, 3, '0'), vals), '; ' ORDER BY f)
           || '; levels: {a, b >= 1}')::crm.scorecard
FROM (SELECT f, string_agg(v || ': 0', ', ' ORDER BY v COLLATE "C") AS vals
      FROM (SELECT f, 'k' || lpad(i::text, 199, '0') AS v
            FROM generate_series(1, 9) f, generate_series(1, 10000) i
            WHERE f < 9 OR i <= 1838
            UNION ALL
            SELECT 9, 'k' || repeat('z', 113)) x
      GROUP BY f) y;
DO $$
BEGIN
	IF (SELECT length(card::text) FROM dump_check.scorecard_values WHERE id = 3) <> 16777216 THEN
		RAISE EXCEPTION 'the cap card is not 16 MB of text';
	END IF;
END
$$;
