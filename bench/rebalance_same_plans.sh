#!/bin/sh
# Do two builds of the rebalancing solver make the same plans?
#
#   bench/rebalance_same_plans.sh OTHER_TREE [books] [seed]
#
# Builds bench/rebalance_plans.c against this tree's solver and against
# OTHER_TREE's (a checkout of another commit, e.g. `git worktree add /tmp/old
# main`), generates seeded random books (bench/py/rebalance_books.py: small
# books with integer loads, where the exact search is out of reach but the
# subset-sum passes run, and larger ones with tier-like and log-normal
# loads, dense and spread-out ids, pinned customers, orphans, skewed books)
# and compares the plans of both objectives, with and without move costs,
# line by line (every double printed in full).  Exit status 1 when any plan
# differs.  A solver change that claims the same plans is checked with it.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
other=$(cd "$1" && pwd)
books=${2:-200}
seed=${3:-1}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT INT TERM
libdir=$(pg_config --pkglibdir)
build() {	# tree binary
	incs=$(find "$1/src" -mindepth 1 -type d ! -name sql ! -name upgrade | sort | sed 's/^/-I/' | tr '\n' ' ')
	# shellcheck disable=SC2086
	${CC:-gcc} -std=gnu99 -O2 $incs -I"$(pg_config --includedir-server)" -o "$2" \
		"$here/bench/rebalance_plans.c" "$1/src/workload/rebalance_core.c" \
		"$1/src/workload/rebalance_types_core.c" "$1"/src/common/*_core.c \
		"$libdir"/libpgcommon.a "$libdir"/libpgport.a -lm
}
build "$here" "$out/new"
build "$other" "$out/old"
"${CRM_PYTHON:-/usr/bin/python3}" "$here/bench/py/rebalance_books.py" "$out" "$books" "$seed"
differ=0
plans=0
for book in "$out"/book-*.csv; do
	for args in "" "load" "cost" "load cost"; do
		# shellcheck disable=SC2086
		"$out/new" "$book" $args > "$out/a"
		# shellcheck disable=SC2086
		"$out/old" "$book" $args > "$out/b"
		plans=$((plans + 1))
		if ! cmp -s "$out/a" "$out/b"; then
			differ=$((differ + 1))
			[ $differ -le 5 ] && echo "differs: $(basename "$book") ${args:-default}"
		fi
	done
done
echo "rebalance same plans: $plans plans on $books books, $differ differ"
[ $differ -eq 0 ]
