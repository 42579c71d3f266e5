-- crm.lifecycle(first_active, last_active, active_months, as_of [, new_months, loyal_months, dormant_days, lost_days])
-- defaults: new within 3 months, loyal at 12 active months, dormant after 90 days, lost after 365

SELECT stage, first_active, last_active, active_months,
       crm.lifecycle(first_active, last_active, active_months, '2026-06-30') AS computed
FROM (VALUES
	('potential', NULL::date, NULL::date, 0),
	('new',       '2026-04-01', '2026-06-29', 3),
	('active',    '2026-03-30', '2026-06-29', 3),
	('active',    '2025-01-01', '2026-06-01', 11),
	('loyal',     '2025-01-01', '2026-06-01', 12),
	('dormant',   '2025-01-01', '2026-03-31', 15),
	('lost',      '2024-01-01', '2025-06-29', 18),
	('dormant',   '2024-01-01', '2025-06-30', 18)
) v(stage, first_active, last_active, active_months);

-- boundaries: new_months counts calendar months back from as_of (clamped to the month's end)
SELECT first_active, crm.lifecycle(first_active, '2026-05-31', 1, '2026-05-31') AS stage
FROM (VALUES ('2026-02-28'::date), ('2026-03-01'), ('2026-02-27')) v(first_active);
SELECT last_active, '2026-06-30'::date - last_active AS days_idle,
       crm.lifecycle('2020-01-01', last_active, 24, '2026-06-30') AS stage
FROM (VALUES ('2026-04-01'::date), ('2026-03-31'), ('2025-06-30'), ('2025-06-29')) v(last_active);

-- own thresholds: new for 6 months, loyal at 6, dormant after 30 days, lost after 180
SELECT crm.lifecycle('2026-01-15', '2026-06-20', 6, '2026-06-30', 6, 6, 30, 180) AS new_6m,
       crm.lifecycle('2025-06-15', '2026-06-20', 6, '2026-06-30', 6, 6, 30, 180) AS loyal_6,
       crm.lifecycle('2025-06-15', '2026-05-20', 6, '2026-06-30', 6, 6, 30, 180) AS dormant_30d,
       crm.lifecycle('2025-06-15', '2025-12-20', 6, '2026-06-30', 6, 6, 30, 180) AS lost_180d;

-- NULLs: no first activity is potential; a missing last activity means the first; other NULLs give NULL
SELECT crm.lifecycle(NULL, NULL, NULL, NULL) AS potential,
       crm.lifecycle('2026-06-01', NULL, 1, '2026-06-30') AS last_missing,
       crm.lifecycle('2026-06-01', '2026-06-01', NULL, '2026-06-30') IS NULL AS null_months,
       crm.lifecycle('2026-06-01', '2026-06-01', 1, NULL) IS NULL AS null_as_of,
       crm.lifecycle('2026-06-01', '2026-06-01', 1, '2026-06-30', NULL) IS NULL AS null_threshold;

-- inconsistent dates and bad thresholds
SELECT call, crm_test.error_of('SELECT ' || call) AS error
FROM (VALUES
	('crm.lifecycle(''2026-06-01'', ''2026-05-01'', 1, ''2026-06-30'')'),
	('crm.lifecycle(''2026-06-01'', ''2026-06-01'', 1, ''2026-05-30'')'),
	('crm.lifecycle(''2026-01-01'', ''2026-06-01'', 1, ''2026-05-30'')'),
	('crm.lifecycle(''2026-01-01'', ''2026-06-01'', -1, ''2026-06-30'')'),
	('crm.lifecycle(''2026-01-01'', ''2026-06-01'', 1, ''2026-06-30'', -1)'),
	('crm.lifecycle(''2026-01-01'', ''2026-06-01'', 1, ''2026-06-30'', 3, 12, 90, 30)'),
	('crm.lifecycle(''2026-01-01'', ''2026-06-01'', 1, ''2026-06-30'', 3, 12, -1)'),
	('crm.lifecycle(''-infinity'', ''2026-06-01'', 1, ''2026-06-30'')'),
	('crm.lifecycle(''2026-01-01'', ''2026-06-01'', 1, ''infinity'')')
) v(call);
