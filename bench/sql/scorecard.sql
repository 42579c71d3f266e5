-- Scorecard benchmark body; psql variable n = number of customers.
SET max_parallel_workers_per_gather = 0;
SELECT setseed(0.3);
DROP TABLE IF EXISTS bench_aml;
CREATE TABLE bench_aml AS
SELECT i AS id,
       CASE WHEN random() < 0.02 THEN NULL ELSE (ARRAY['east','west','north','south','central','coast','high_risk','offshore','medium','border','capital','inland'])[1 + floor(random() * 12)::int] END AS region,
       CASE WHEN random() < 0.02 THEN NULL ELSE (ARRAY['office','retail','manufacturing','casino','precious_metals','money_services','real_estate','restaurant','farming','transport','it','education','health','construction','trade'])[1 + floor(random() * 15)::int] END AS industry,
       CASE WHEN random() < 0.02 THEN NULL ELSE (ARRAY['resident','resident','resident','non_resident','pep','student'])[1 + floor(random() * 6)::int] END AS identity,
       CASE WHEN random() < 0.02 THEN NULL ELSE round(exp(ln(300000) + 2 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))::numeric, 2) END AS fund_size,
       CASE WHEN random() < 0.02 THEN NULL ELSE random() END AS cash_share,
       CASE WHEN random() < 0.02 THEN NULL ELSE floor(random() * random() * 60)::int END AS cash_tx_per_month
FROM generate_series(1, :n) i;
ALTER TABLE bench_aml ADD COLUMN attrs jsonb;
UPDATE bench_aml SET attrs = jsonb_strip_nulls(jsonb_build_object('region', region, 'industry', industry, 'identity', identity,
	'fund_size', fund_size, 'cash_share', cash_share, 'cash_tx_per_month', cash_tx_per_month));
VACUUM ANALYZE bench_aml;

\set card 'name aml_customer_risk; region: category {high_risk: 30, offshore: 25, medium: 10, *: 0, null: 15}; industry: category {casino: 30, precious_metals: 25, money_services: 25, real_estate: 15, restaurant: 10, null: 10}; identity: category {pep: 30, non_resident: 20, resident: 0, *: 5, null: 15}; fund_size: numeric {0, 5 >= 500000, 10 >= 5000000, 20 >= 50000000, null: 10}; cash_share: numeric {0, 5 >= 0.2, 15 >= 0.5, 25 >= 0.8, null: 10}; cash_tx_per_month: numeric {0, 5 >= 10, 15 >= 30, null: 5}; levels: {low, medium >= 40, high >= 70}'

-- the same card as a hand-written CASE sum
\set case_sum '(CASE WHEN region IS NULL THEN 15 WHEN region = ''high_risk'' THEN 30 WHEN region = ''offshore'' THEN 25 WHEN region = ''medium'' THEN 10 ELSE 0 END) + (CASE WHEN industry IS NULL THEN 10 WHEN industry = ''casino'' THEN 30 WHEN industry = ''precious_metals'' THEN 25 WHEN industry = ''money_services'' THEN 25 WHEN industry = ''real_estate'' THEN 15 WHEN industry = ''restaurant'' THEN 10 ELSE 0 END) + (CASE WHEN identity IS NULL THEN 15 WHEN identity = ''pep'' THEN 30 WHEN identity = ''non_resident'' THEN 20 WHEN identity = ''resident'' THEN 0 ELSE 5 END) + (CASE WHEN fund_size IS NULL THEN 10 WHEN fund_size >= 50000000 THEN 20 WHEN fund_size >= 5000000 THEN 10 WHEN fund_size >= 500000 THEN 5 ELSE 0 END) + (CASE WHEN cash_share IS NULL THEN 10 WHEN cash_share >= 0.8 THEN 25 WHEN cash_share >= 0.5 THEN 15 WHEN cash_share >= 0.2 THEN 5 ELSE 0 END) + (CASE WHEN cash_tx_per_month IS NULL THEN 5 WHEN cash_tx_per_month >= 30 THEN 15 WHEN cash_tx_per_month >= 10 THEN 5 ELSE 0 END)'

-- the three agree before anything is timed
SELECT count(*) FILTER (WHERE crm.score_values(:'card', region, industry, identity, fund_size, cash_share, cash_tx_per_month) <> :case_sum) AS positional_mismatches,
       count(*) FILTER (WHERE crm.score(:'card', attrs) <> :case_sum) AS jsonb_mismatches
FROM bench_aml;

SELECT benchmark, rows, ours_ms, baseline_ms, ratio, target FROM bench.compare(
	'crm.score_values (positional) vs CASE sum', :n,
	format('SELECT sum(crm.score_values(%L, region, industry, identity, fund_size, cash_share, cash_tx_per_month)) FROM bench_aml', :'card'),
	'SELECT sum(' || :'case_sum' || ') FROM bench_aml',
	'<= 1.5');

SELECT benchmark, rows, ours_ms, baseline_ms, ratio, target FROM bench.compare(
	'crm.score (jsonb column) vs CASE sum', :n,
	format('SELECT sum(crm.score(%L, attrs)) FROM bench_aml', :'card'),
	'SELECT sum(' || :'case_sum' || ') FROM bench_aml',
	'report');

SELECT benchmark, rows, ours_ms, baseline_ms, ratio, target FROM bench.compare(
	'crm.score_level_values vs CASE sum + CASE level', :n,
	format('SELECT count(crm.score_level_values(%L, region, industry, identity, fund_size, cash_share, cash_tx_per_month)) FROM bench_aml', :'card'),
	'SELECT count(CASE WHEN t >= 70 THEN ''high'' WHEN t >= 40 THEN ''medium'' ELSE ''low'' END) FROM (SELECT ' || :'case_sum' || ' AS t FROM bench_aml) s',
	'report');

DROP TABLE bench_aml;
