#!/usr/bin/python3
"""Baseline for bench/60_scorecard_fit.sh: export the labelled rows to Python
and fit the usual WOE + logistic-regression scorecard pipeline there, as an
analyst would without crm: decile bins of every numeric attribute (missing
values a bin of their own), categories as they are, the weight of evidence
of every bin (0.5 added to both counts of a bin that lacks a class), and
scikit-learn's LogisticRegression (lbfgs, C = 1e6: practically unpenalised,
like crm's maximum-likelihood fit) on the WOE columns.

Prints one line: fetch_ms fit_ms total_ms auc, where auc is the held-out
AUC when the table has a train split (id % 10 < 7 trains, the rest tests;
--split), else the training AUC.
Usage: sklearn_scorecard.py TABLE [--split]   (connection from PG* environment)
"""
import math
import sys
import time

import numpy as np
import psycopg2
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score


def woe_column(values, y, train):
    """Bin one attribute on the training rows; return the WOE of every row."""
    n = len(values)
    present = np.array([v is not None for v in values])
    numeric = all(isinstance(v, (int, float)) for v, p in zip(values, present) if p)
    codes = np.zeros(n, dtype=np.int64)
    if numeric:
        x = np.array([v if p else np.nan for v, p in zip(values, present)], dtype=np.float64)
        edges = np.unique(np.nanquantile(x[train & present], np.linspace(0.1, 0.9, 9)))
        codes[present] = np.searchsorted(edges, x[present], side="right")
        codes[~present] = len(edges) + 1
    else:
        keys = np.array([str(v) if p else "\0missing" for v, p in zip(values, present)], dtype=object)
        _, codes = np.unique(keys, return_inverse=True)
    nbins = int(codes.max()) + 1
    t = np.bincount(codes[train], weights=y[train], minlength=nbins)
    c = np.bincount(codes[train], minlength=nbins).astype(np.float64)
    nn = c - t
    fix = (t == 0) | (nn == 0)
    t = t + 0.5 * fix
    nn = nn + 0.5 * fix
    woe = np.log((t / y[train].sum()) / (nn / (~y[train].astype(bool)).sum()))
    return woe[codes]


def main():
    table = sys.argv[1]
    split = "--split" in sys.argv
    t0 = time.perf_counter()
    conn = psycopg2.connect("")
    cur = conn.cursor()
    cur.execute("SELECT id, target, attrs FROM %s" % table)  # table name from our own script
    rows = cur.fetchall()
    conn.close()
    t1 = time.perf_counter()
    y = np.array([r[1] for r in rows], dtype=np.float64)
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    train = (ids % 10 < 7) if split else np.ones(len(rows), dtype=bool)
    names = sorted({k for r in rows[:10000] for k in r[2]})
    x = np.column_stack([woe_column([r[2].get(k) for r in rows], y, train) for k in names])
    model = LogisticRegression(C=1e6, max_iter=1000).fit(x[train], y[train])
    t2 = time.perf_counter()
    test = ~train if split else train
    auc = roc_auc_score(y[test], model.decision_function(x[test]))
    print("%.1f %.1f %.1f %.6f" % ((t1 - t0) * 1000, (t2 - t1) * 1000, (t2 - t0) * 1000, auc))
    sys.stdout.flush()
    if not math.isfinite(auc):
        sys.exit(1)


if __name__ == "__main__":
    main()
