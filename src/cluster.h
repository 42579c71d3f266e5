/*
 * cluster.h
 *	  Server-side helpers shared by sketch.c and clusters.c.
 */
#ifndef CRM_CLUSTER_H
#define CRM_CLUSTER_H

#include "postgres.h"

#include "utils/array.h"
#include "utils/jsonb.h"

#include "cluster_core.h"

/* which options a jsonb set explicitly */
#define CRM_OPT_SCALE		0x01
#define CRM_OPT_BUDGET		0x02
#define CRM_OPT_RESTARTS	0x04
#define CRM_OPT_MAX_ITER	0x08
#define CRM_OPT_SEED		0x10
#define CRM_OPT_TOL			0x20
#define CRM_OPT_ATAN_SCALE	0x40

/* Parse options jsonb over the values already in o; returns the keys set. */
extern int	cluster_parse_options(Jsonb *jb, CrmClusterOptions *o);

/*
 * The feature vector of one row: checks that it is a one-dimensional
 * float8 array without NULLs whose elements are finite, and returns its
 * data and length.  expected_dims > 0 checks the length too.
 */
extern const double *cluster_features(ArrayType *arr, int expected_dims, int *dims,
									  const char *what);

/* a flat, detoasted sketch / model from an argument (checked sizes) */
extern CrmSketch *cluster_sketch_arg(Datum d);
extern CrmModel *cluster_model_arg(Datum d);


#endif							/* CRM_CLUSTER_H */
