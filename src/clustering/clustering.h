/*
 * clustering.h
 *	  Server-side helpers shared by the clustering files: clustering.c (the
 *	  options and the feature reader), sketch.c (sketch arguments and the
 *	  transition crm.sketch and crm.kmeans share) and model.c (model
 *	  arguments and results).
 */
#ifndef CRM_CLUSTERING_H
#define CRM_CLUSTERING_H

#include "postgres.h"

#include "utils/array.h"
#include "utils/jsonb.h"

#include "clustering_core.h"
#include "feature_names_core.h"
#include "model_core.h"
#include "sketch_core.h"

/* which options a jsonb set explicitly */
#define CRM_OPT_SCALE		0x01
#define CRM_OPT_BUDGET		0x02
#define CRM_OPT_RESTARTS	0x04
#define CRM_OPT_MAX_ITER	0x08
#define CRM_OPT_SEED		0x10
#define CRM_OPT_TOL			0x20
#define CRM_OPT_ATAN_SCALE	0x40
#define CRM_OPT_NAMES		0x80

/*
 * Parse options jsonb over the values already in o; returns the keys set.
 * Option "names" (a non-empty array of distinct valid names) goes to
 * *names as a palloc'd names block; *names is left alone when it is not
 * given.  Whether the names fit the features is the caller's check
 * (cluster_check_names).
 */
extern int	cluster_parse_options(Jsonb *jb, CrmClusterOptions *o, void **names);

/* The names of option "names" must be one per feature (22023). */
extern void cluster_check_names(const void *names, int dims);

/*
 * Encoding conversions of feature names (CrmConvFn): binary forms carry
 * them in the client encoding (as text's send and receive do), the
 * compact text form in UTF-8 whatever the database encoding.
 */
extern const char *cluster_names_to_client(const char *s, size_t len, size_t *out_len);
extern const char *cluster_names_from_client(const char *s, size_t len, size_t *out_len);
extern const char *cluster_names_to_utf8(const char *s, size_t len, size_t *out_len);
extern const char *cluster_names_from_utf8(const char *s, size_t len, size_t *out_len);

/*
 * The one reader of a features argument (float8[]): one-dimensional,
 * without NULLs, 1 .. CRM_MAX_DIMS elements (CheckDims), each finite and
 * within +-CRM_CLUSTER_MAX_ABS (crm_check_feature); returns its data and
 * length.  expected_dims > 0 checks the length too.
 */
extern const double *cluster_features(ArrayType *arr, int expected_dims, int *dims);

/*
 * The names of dims features as a text[]: the block's, or f1, f2, ... when
 * it has none (or is NULL).
 */
extern ArrayType *cluster_names_array(const void *names, int dims);

/* a flat, detoasted sketch / model from an argument (checked sizes) */
extern CrmSketch *cluster_sketch_arg(Datum d);
extern CrmModel *cluster_model_arg(Datum d);

/*
 * The transition of crm.sketch (k = 0) and crm.kmeans (k >= 1): options in
 * argument opt_arg, name for messages (sketch.c).
 */
extern Datum cluster_sketch_transition(FunctionCallInfo fcinfo, int k, int opt_arg, const char *name);

/* The sketch of an aggregate state, checked, to read in place (sketch.c). */
extern const CrmSketch *cluster_sketch_state_arg(Datum d);

/*
 * Every SQL function that returns a crm.clusters ends with this: sets the
 * varlena size and applies crm_model_check, the input functions' check, so
 * that no function returns a value the input would refuse.
 */
extern CrmModel *cluster_model_return(CrmModel *m);

/* whether the model argument d defines the same assignment as ref (valid) */
extern bool cluster_model_matches(const CrmModel *ref, Datum d);

/*
 * Whether aggregate argument argno (0-based) is a Const or a Param, so the
 * same value for the whole life of one transition state (see clustering.c).
 */
extern bool cluster_agg_arg_stable(FunctionCallInfo fcinfo, int argno);

/* An aggregate state that fails its check: 22023 naming the aggregate. */
extern void cluster_state_error(const char *agg, const CrmError *err) pg_attribute_noreturn();


#endif							/* CRM_CLUSTERING_H */
