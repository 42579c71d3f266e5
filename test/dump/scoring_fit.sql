-- Values of the 0.2.0 scoring types for the pg_dump / pg_restore check
-- (scripts/dump-restore-test.sh): fitted cards (crm.scorecard format version
-- 2), and the states of crm.scorecard_fit, crm.auc / crm.ks and crm.psi
-- (both forms), compared as text after the restore.
CREATE TEMP VIEW fit_rows AS
SELECT g, g % 5 = 0 OR (g % 3 = 0 AND g % 2 = 0) AS target,
       jsonb_build_object('x', g % 17, 'c', 'v' || g % 4, 'y', (g * 0.618) % 1,
                          'name', '金葵花 "' || g % 3, 'm', CASE WHEN g % 11 = 0 THEN NULL ELSE g % 9 END) AS attrs
FROM generate_series(1, 3000) g;
CREATE AGGREGATE pg_temp.fit_state_of(boolean, jsonb, jsonb) (SFUNC = crm.scorecard_fit_transfn, STYPE = crm.scorecard_fit_state);
CREATE AGGREGATE pg_temp.roc_state_of(float8, boolean) (SFUNC = crm.auc_transfn, STYPE = crm.roc_state);
CREATE AGGREGATE pg_temp.psi_state_of(float8, boolean, float8[]) (SFUNC = crm.psi_transfn, STYPE = crm.psi_state);
CREATE AGGREGATE pg_temp.psi_card_state_of(crm.scorecard, jsonb, boolean) (SFUNC = crm.psi_card_transfn, STYPE = crm.psi_state);

CREATE TABLE dump_check.fitted_cards (id int PRIMARY KEY, card crm.scorecard);
INSERT INTO dump_check.fitted_cards
SELECT 1, crm.scorecard_fit(target, attrs) FROM fit_rows
UNION ALL
SELECT 2, crm.scorecard_fit(target, attrs, '{"monotone": true, "higher": "non_target", "precision": 3, "name": "n", "version": "v 2", "levels": "{a, b >= 500}", "categorical": ["m"], "missing": "neutral"}') FROM fit_rows;

CREATE TABLE dump_check.scoring_states (id int PRIMARY KEY, fit crm.scorecard_fit_state, roc crm.roc_state, psi crm.psi_state);
INSERT INTO dump_check.scoring_states
SELECT 1, pg_temp.fit_state_of(target, attrs, '{"sample_rows": 500}'),
       pg_temp.roc_state_of((g % 13)::float8 / 4, target),
       pg_temp.psi_state_of(CASE WHEN g % 10 = 0 THEN NULL ELSE (g % 7)::float8 END, g > 1500, '{1, 2.5, 4}')
FROM fit_rows
UNION ALL
SELECT 2, pg_temp.fit_state_of(target, attrs, NULL), pg_temp.roc_state_of(g * 1e-300, target),
       pg_temp.psi_card_state_of(k.card, attrs, g > 1500)
FROM fit_rows, (SELECT card FROM dump_check.fitted_cards WHERE id = 1) k
UNION ALL
SELECT 3, NULL, NULL, NULL;
