-- crm.bar(value, max [, width]): eighth-block bars for psql

SELECT v, '|' || crm.bar(v, 8, 8) || '|' AS bar, length(crm.bar(v, 8, 8)) AS cells
FROM (VALUES (0::float8), (0.125), (0.25), (0.5), (1), (3.5), (7.9375), (8), (9), (-1), ('Infinity'), ('-Infinity')) t(v);

-- rounding to the nearest eighth of a cell: 1/16 of a cell rounds up
SELECT crm.bar(1, 160, 10) AS sixteenth, crm.bar(0.99, 160, 10) AS just_below;

-- default width 20
SELECT length(crm.bar(1, 1)) AS full_width, crm.bar(1, 1);

-- a distribution as a chart
SELECT tier, n, crm.bar(n, max(n) OVER (), 30) AS chart
FROM (VALUES ('mass', 8000), ('priority', 1500), ('sunflower', 300), ('citigold', 150), ('private_banking', 10)) t(tier, n);

-- a maximum of 0 draws an empty bar: crm.bar(x, max(x) OVER ()) over a
-- region without load (every value 0) gives empty bars, not an error
SELECT region, manager, load, '|' || crm.bar(load, max(load) OVER (PARTITION BY region), 10) || '|' AS chart
FROM (VALUES ('North', 'a', 0::float8), ('North', 'b', 0), ('South', 'c', 30), ('South', 'd', 60)) t(region, manager, load)
ORDER BY region, manager;
SELECT '|' || crm.bar(5, 0) || '|' AS positive_value, '|' || crm.bar(0, -0.0) || '|' AS minus_zero_max,
       '|' || crm.bar('Infinity', 0) || '|' AS infinite_value, '|' || crm.bar(-1, 0, 200) || '|' AS negative_value;

-- NULL in, NULL out
SELECT crm.bar(NULL, 1) IS NULL AS null_value, crm.bar(1, NULL) IS NULL AS null_max;

-- bad arguments
SELECT call, crm_test.error_of('SELECT ' || call) AS error
FROM (VALUES
	('crm.bar(''NaN'', 10)'),
	('crm.bar(1, -1)'),
	('crm.bar(0, -1e-300)'),
	('crm.bar(1, ''-Infinity'')'),
	('crm.bar(1, ''NaN'')'),
	('crm.bar(1, ''Infinity'')'),
	('crm.bar(1, 10, 0)'),
	('crm.bar(1, 10, 201)')
) v(call);
