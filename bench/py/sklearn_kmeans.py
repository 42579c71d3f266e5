#!/usr/bin/python3
"""Baseline for bench/30_kmeans.sh: export the feature rows to Python and run
scikit-learn KMeans(n_init=10) end to end (fetch + fit), as an analyst would.

Prints one line: fetch_ms fit_ms total_ms sse   (sse = inertia_, the
within-cluster sum of squares over all rows, in the same units as crm's
total SSE for scale "none").
Usage: sklearn_kmeans.py TABLE K   (connection from PG* environment)
"""
import sys
import time

import numpy as np
import psycopg2
from sklearn.cluster import KMeans


def main():
    table, k = sys.argv[1], int(sys.argv[2])
    t0 = time.perf_counter()
    conn = psycopg2.connect("")
    cur = conn.cursor()
    cur.execute("SELECT f FROM %s" % table)  # table name from our own script
    x = np.array([r[0] for r in cur.fetchall()], dtype=np.float64)
    conn.close()
    t1 = time.perf_counter()
    km = KMeans(n_clusters=k, n_init=10, random_state=0).fit(x)
    t2 = time.perf_counter()
    print("%.1f %.1f %.1f %.6f" % ((t1 - t0) * 1000, (t2 - t1) * 1000, (t2 - t0) * 1000, km.inertia_))


if __name__ == "__main__":
    main()
