-- Report: anti-money-laundering customer risk rating with a points scorecard.
-- The card's points are an illustration; each institution sets its own.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
-- the AML attributes of the customers: bank.aml_attributes (demo/bank.sql)

-- cards are values: a table of cards with the date each came into force
DROP TABLE IF EXISTS bank.aml_cards;
CREATE TABLE bank.aml_cards (valid_from date PRIMARY KEY, card crm.scorecard NOT NULL);
INSERT INTO bank.aml_cards VALUES ('2026-01-01', $$
	name aml_customer_risk; version 2026.1;
	region: category {high_risk: 30, offshore: 25, medium: 10, *: 0, null: 15};
	industry: category {casino: 30, precious_metals: 25, money_services: 25, real_estate: 15, restaurant: 10, *: 0, null: 0};
	identity: category {pep: 30, non_resident: 20, resident: 0, *: 5, null: 15};
	fund_size: numeric {0, 5 >= 500000, 10 >= 5000000, 20 >= 50000000, null: 10};
	cash_share: numeric {0, 5 >= 0.2, 15 >= 0.5, 25 >= 0.8, null: 10};
	cash_tx_per_month: numeric {0, 5 >= 10, 15 >= 30, null: 5};
	levels: {low, medium >= 40, high >= 70}
$$);

CREATE TEMP VIEW aml_scores AS
SELECT a.customer_id,
       crm.score_values(k.card, a.region, a.industry, a.identity, a.fund_size, a.cash_share, a.cash_tx_per_month) AS points
FROM bank.aml_attributes a,
     (SELECT card FROM bank.aml_cards WHERE valid_from <= bank.as_of() ORDER BY valid_from DESC LIMIT 1) k;

\echo
\echo '== AML customer risk levels (illustrative card: each institution sets its own points)'
SELECT crm.level(k.card, points) AS level, count(*) AS customers,
       round(100.0 * count(*) / sum(count(*)) OVER (), 2) AS pct,
       min(points) AS min_points, max(points) AS max_points,
       crm.bar(count(*), max(count(*)) OVER (), 30) AS chart
FROM aml_scores, (SELECT card FROM bank.aml_cards ORDER BY valid_from DESC LIMIT 1) k
GROUP BY 1 ORDER BY min(points);

\echo '== Why the highest-scoring customer is high risk (crm.score_explain)'
SELECT e.factor, e.value, e.bin, e.points
FROM (SELECT customer_id FROM aml_scores ORDER BY points DESC, customer_id LIMIT 1) top
JOIN bank.aml_attributes a USING (customer_id),
     (SELECT card FROM bank.aml_cards ORDER BY valid_from DESC LIMIT 1) k,
     crm.score_explain(k.card, to_jsonb(a) - 'customer_id') e;
