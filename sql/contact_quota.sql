-- crm.quota_met(contacts, sales, reasons [, quota]): daily contact quotas
-- such as "511" (5 effective contacts and 1 sale, or 1 written reason)

-- the rule on a few days: contacts >= c and (s = 0 or sales >= s or (r > 0 and reasons >= r))
SELECT contacts, sales, reasons,
       crm.quota_met(contacts, sales, reasons) AS q511,
       crm.quota_met(contacts, sales, reasons, '510') AS q510_no_excuse,
       crm.quota_met(contacts, sales, reasons, '500') AS q500_contacts_only,
       crm.quota_met(contacts, sales, reasons, '10-2-1') AS q10_2_1
FROM (VALUES (5, 1, 0), (5, 0, 1), (5, 0, 0), (4, 3, 3), (10, 2, 0), (10, 1, 1), (12, 0, 0), (0, 0, 0)) d(contacts, sales, reasons);

-- a working day without a record is a missed day: NULL counts are 0
SELECT crm.quota_met(NULL, NULL, NULL) AS no_record, crm.quota_met(6, NULL, 1) AS no_sales_recorded,
       crm.quota_met(NULL, 1, 1, '010') AS sale_only_quota;

-- compliance per manager and month: a calendar of working days, left-joined
-- to the days' counts, averaged
CREATE TEMP TABLE working_days AS
SELECT m AS manager_id, d::date AS day
FROM generate_series(1, 3) m, generate_series(date '2026-10-01', date '2026-10-31', '1 day') d
WHERE extract(isodow FROM d) < 6 AND NOT (m = 3 AND d::date BETWEEN '2026-10-12' AND '2026-10-16');	-- manager 3 on leave
CREATE TEMP TABLE daily_contacts AS
SELECT w.manager_id, w.day,
       CASE w.manager_id WHEN 1 THEN 6 WHEN 2 THEN 3 + extract(day FROM w.day)::int % 4 ELSE 5 END AS contacts,
       CASE WHEN extract(day FROM w.day)::int % 3 = 0 THEN 1 ELSE 0 END AS sales,
       CASE WHEN w.manager_id = 1 THEN 1 ELSE 0 END AS reasons
FROM working_days w
WHERE NOT (w.manager_id = 2 AND w.day > '2026-10-25');	-- manager 2 logged nothing the last days
SELECT w.manager_id, count(*) AS working_days, count(d.day) AS days_recorded,
       count(*) FILTER (WHERE crm.quota_met(d.contacts, d.sales, d.reasons)) AS days_met,
       round(avg(crm.quota_met(d.contacts, d.sales, d.reasons)::int), 3) AS compliance
FROM working_days w LEFT JOIN daily_contacts d USING (manager_id, day)
GROUP BY w.manager_id ORDER BY w.manager_id;
-- the quota from a column (a per-manager quota)
SELECT q, crm.quota_met(5, 0, 1, q) FROM unnest(ARRAY['511', '510', '5-0-0', ' 4-1-1 ', '6-1-1']) q;

-- bad arguments
SELECT left(call, 100) AS call, crm_test.error_of('SELECT ' || call) AS error
FROM (VALUES
	('crm.quota_met(-1, 0, 0)'),
	('crm.quota_met(0, -1, 0)'),
	('crm.quota_met(0, 0, -9223372036854775808)'),
	('crm.quota_met(5, 1, 0, NULL)'),
	('crm.quota_met(5, 1, 0, '''')'),
	('crm.quota_met(5, 1, 0, ''51'')'),
	('crm.quota_met(5, 1, 0, ''5111'')'),
	('crm.quota_met(5, 1, 0, ''5-1'')'),
	('crm.quota_met(5, 1, 0, ''5-1-1-1'')'),
	('crm.quota_met(5, 1, 0, ''five'')'),
	('crm.quota_met(5, 1, 0, ''5 1 1'')'),
	('crm.quota_met(5, 1, 0, ''-5-1-1'')'),
	('crm.quota_met(5, 1, 0, ''5.5-1-1'')'),
	('crm.quota_met(5, 1, 0, ''１１１'')'),
	('crm.quota_met(5, 1, 0, ''10001-1-1'')'),
	('crm.quota_met(5, 1, 0, ''1-99999999999999999999-1'')'),
	('crm.quota_met(5, 1, 0, ''000'')'),
	('crm.quota_met(5, 1, 0, ''0-0-9'')'),
	('crm.quota_met(5, 1, 0, ' || quote_literal(repeat('1', 100)) || ')')
) v(call);
