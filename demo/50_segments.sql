-- Report: customer segmentation with k-means (k = 5) over value and
-- behaviour features, squashed with 2/pi atan(x / typical value) as the
-- securities-branch study did for its heavy-tailed money features.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

-- features, each divided by its median so that atan maps the median to 0.5
DROP TABLE IF EXISTS bank.segment_features;
CREATE TABLE bank.segment_features AS
WITH med AS (
	SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY balance) AS balance,
	       percentile_cont(0.5) WITHIN GROUP (ORDER BY contribution) AS contribution,
	       percentile_cont(0.5) WITHIN GROUP (ORDER BY monthly_spend) AS spend,
	       greatest(1, percentile_cont(0.5) WITHIN GROUP (ORDER BY transactions_12m)) AS tx,
	       greatest(1, percentile_cont(0.5) WITHIN GROUP (ORDER BY active_months)) AS months
	FROM bank.customers)
SELECT c.customer_id, c.branch_id,
       ARRAY[c.balance / med.balance, c.contribution / med.contribution, c.monthly_spend / med.spend,
             c.transactions_12m / med.tx, c.active_months / med.months]::float8[] AS f,
       ARRAY[med.balance, med.contribution, med.spend, med.tx, med.months]::float8[] AS typical
FROM bank.customers c, med;

DROP TABLE IF EXISTS bank.segments_model;
CREATE TABLE bank.segments_model AS
SELECT crm.kmeans(f, 5, '{"scale": "atan"}') AS model FROM bank.segment_features;

\echo
\echo '== Customer segments: k-means, k = 5, atan scaling (cluster 1 is the largest)'
SELECT c.cluster, round(c.size) AS customers, round((100 * c.share)::numeric, 2) AS pct,
       crm.bar(c.share, 1, 25) AS share,
       round((c.centroid[1] * t.typical[1])::numeric) AS balance,
       round((c.centroid[2] * t.typical[2])::numeric) AS contribution,
       round((c.centroid[3] * t.typical[3])::numeric) AS monthly_spend,
       round((c.centroid[4] * t.typical[4])::numeric) AS tx_12m,
       round((c.centroid[5] * t.typical[5])::numeric, 1) AS active_months
FROM bank.segments_model m, crm.centroids(m.model) c,
     (SELECT typical FROM bank.segment_features LIMIT 1) t
ORDER BY c.cluster;

\echo '== Choosing k from one sketch: total SSE (elbow) and silhouette per k'
SELECT k, round(sse::numeric, 1) AS sse, round(silhouette::numeric, 3) AS silhouette,
       crm.bar(silhouette, 1, 20) AS silhouette_bar
FROM (SELECT crm.sketch(f, '{"scale": "atan"}') AS s FROM bank.segment_features) x,
     crm.kmeans_scan(s, 2, 7);

\echo '== The rollup pattern: one stored sketch per branch, merged, clusters the whole bank'
DROP TABLE IF EXISTS bank.branch_sketches;
CREATE TABLE bank.branch_sketches AS
SELECT branch_id, crm.sketch(f, '{"scale": "atan"}') AS sketch
FROM bank.segment_features GROUP BY branch_id;
SELECT count(*) AS branch_sketches, crm.sketch_rows(crm.merge(sketch)) AS customers,
       round(crm.clusters_sse(crm.kmeans(crm.merge(sketch), 5))::numeric, 1) AS sse_from_merged,
       (SELECT round(crm.clusters_sse(model)::numeric, 1) FROM bank.segments_model) AS sse_direct
FROM bank.branch_sketches;

\echo '== The smallest (highest-value) segment: its customers, richest first'
SELECT s.customer_id, s.branch_id, c.segment, round(c.balance) AS balance, round(c.contribution) AS contribution,
       c.transactions_12m, round(crm.nearest_distance(m.model, s.f)::numeric, 3) AS distance_to_centroid
FROM bank.segment_features s JOIN bank.customers c USING (customer_id), bank.segments_model m
WHERE crm.assign(m.model, s.f) = crm.clusters_k(m.model)
ORDER BY c.balance DESC
LIMIT 10;
SELECT count(*) AS customers_in_smallest_segment
FROM bank.segment_features s, bank.segments_model m
WHERE crm.assign(m.model, s.f) = crm.clusters_k(m.model);
