"""Seeded random books for bench/rebalance_same_plans.sh.

    rebalance_books.py OUT_DIR BOOKS SEED

Writes OUT_DIR/book-NNNN.csv (customer_id,manager_id,load,capacity,flags as
bench/rebalance_plans.c reads them).  Half the books are small (20-120
customers of 2-6 managers, integer loads 1-20: the subset-sum passes of
"minimise": "load" run on them), half larger (30-3,000 customers of 2-30
managers, loads from four tiers or log-normal); ids dense or spread out;
managers' books skewed (some far over capacity), 5% pinned, 5% orphans,
every manager also declared on a row of its own.
"""
import random
import sys

out, books, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
for b in range(books):
    small = b % 2 == 0
    m = rng.randint(2, 6) if small else rng.randint(2, 30)
    n = rng.randint(20, 120) if small else rng.randint(30, 3000)
    dense = rng.random() < 0.5
    ids = rng.sample(range(1, n * (1 if dense else 1000) + 1), n)
    if small:
        loads = [rng.randint(1, 20) for _ in range(n)]
    else:
        loads = [rng.choice([1, 2, 5, 13]) if rng.random() < 0.5
                 else round(rng.lognormvariate(1, 1), 3) for _ in range(n)]
    caps = [rng.choice([0.5, 1, 1.5]) * sum(loads) / m * rng.uniform(0.7, 1.1) for _ in range(m)]
    lines = []
    for i in range(n):
        if rng.random() < 0.05:
            lines.append(f"{ids[i]},0,{loads[i]},0,2")
        else:
            j = min(int(rng.random() ** 2 * m), m - 1)
            pinned = 4 if rng.random() < 0.05 else 0
            lines.append(f"{ids[i]},{j + 1},{loads[i]},{caps[j]!r},{pinned}")
    for j in range(m):
        lines.append(f"0,{j + 1},0,{caps[j]!r},1")
    with open(f"{out}/book-{b:04d}.csv", "w") as f:
        f.write("\n".join(lines) + "\n")
