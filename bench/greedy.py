#!/usr/bin/env python3
"""Greedy rebalancing baseline for the workload benchmark.

Reads the instance (bench_rb, bench_rb_managers) and rebalances it the
simple way: orphans go one by one (largest first) to the least utilised
manager; then, repeatedly, the largest movable customer of the most utilised
manager moves to the least utilised manager, as long as that lowers the peak
of the two.  Prints its peak utilisation and moved load beside crm.rebalance's
and records them in bench.results.
"""
import heapq
import os
import time

import psycopg2


def main():
    conn = psycopg2.connect(dbname=os.environ["CRM_BENCH_DB"])
    cur = conn.cursor()
    cur.execute("SELECT manager_id, capacity FROM bench_rb_managers ORDER BY manager_id")
    cap = dict(cur.fetchall())
    cur.execute("SELECT customer_id, manager_id, load, movable FROM bench_rb ORDER BY customer_id")
    rows = cur.fetchall()
    n = len(rows)

    t0 = time.time()
    load = {m: 0.0 for m in cap}
    books = {m: [] for m in cap}        # max-heaps of movable customers: (-load, id)
    orphans = []
    for cid, mid, w, movable in rows:
        if mid is None:
            orphans.append((w, cid))
            continue
        load[mid] += w
        if movable:
            books[mid].append((-w, cid))
    for b in books.values():
        heapq.heapify(b)
    peak_before = max(load[m] / cap[m] for m in cap)

    # least utilised manager: a min-heap with lazy updates
    low = [(load[m] / cap[m], m) for m in cap]
    heapq.heapify(low)

    def least():
        while True:
            u, m = low[0]
            if abs(u - load[m] / cap[m]) < 1e-15:
                return m
            heapq.heapreplace(low, (load[m] / cap[m], m))

    for w, cid in sorted(orphans, reverse=True):
        m = least()
        load[m] += w
        heapq.heapreplace(low, (load[m] / cap[m], m))

    high = [(-load[m] / cap[m], m) for m in cap]
    heapq.heapify(high)
    moved = 0.0
    moves = 0
    while True:
        u, h = high[0]
        if abs(-u - load[h] / cap[h]) > 1e-15:
            heapq.heapreplace(high, (-load[h] / cap[h], h))
            continue
        l = least()
        if not books[h]:
            break
        w = -books[h][0][0]
        new_peak = max((load[h] - w) / cap[h], (load[l] + w) / cap[l])
        if new_peak >= load[h] / cap[h]:
            break
        heapq.heappop(books[h])
        load[h] -= w
        load[l] += w
        moved += w
        moves += 1
        heapq.heapreplace(high, (-load[h] / cap[h], h))
        heapq.heapreplace(low, (load[l] / cap[l], l))
    elapsed = time.time() - t0
    peak = max(load[m] / cap[m] for m in cap)

    cur.execute("SELECT lower_bound, peak_after, moves, moved_load, min_move FROM rb_quality_table")
    lb, our_peak, our_moves, our_moved, min_move = cur.fetchone()
    print(f"greedy baseline (Python, {elapsed:.1f} s): peak {peak:.5f} ({peak / lb:.4f} x lower bound), "
          f"{moves} moves, moved load {moved:.3f}")
    print(f"crm.rebalance:                      peak {our_peak:.5f} ({our_peak / lb:.4f} x lower bound), "
          f"{our_moves} moves, moved load {our_moved:.3f} (minimum for its peak {min_move:.3f})")
    cur.execute("INSERT INTO bench.results (benchmark, rows, ratio, target, runs) VALUES "
                "('greedy baseline: peak / lower_bound', %s, round(%s::numeric, 5), 'report', 1), "
                "('greedy baseline: moved load / crm.rebalance moved load', %s, round(%s::numeric, 5), 'report', 1)",
                (n, peak / lb, n, moved / our_moved))
    conn.commit()


if __name__ == "__main__":
    main()
