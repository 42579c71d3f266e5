#!/bin/sh
# make upgrade-check: every released version of crm updates to the current one.
#
# For each version in RELEASES ("<version> <commit>"), oldest first:
#   1. git archive its commit, build it and install it into its own temporary
#      prefix (stage/<version>), as that release's package would have;
#   2. on a throw-away cluster (scripts/with-cluster.sh, which installs the
#      current build into the prefix the server reads by default), create
#      database crm_from_<version> with CREATE EXTENSION crm VERSION '<version>'
#      in a session whose extension_destdir is that version's prefix, store
#      the sample data of test/upgrade/sample.sql and read it back (text and
#      binary COPY) with that version's code;
#   3. in new sessions, which see only the current build's files (the new .so
#      and the scripts it ships, as after a package upgrade, which removes the
#      old install script), ALTER EXTENSION crm UPDATE TO each later release
#      in turn and then to the current default_version;
#   4. compare the catalogue (test/upgrade/catalog.sql: functions with their
#      properties, types, operators, operator classes and families,
#      aggregates, casts, comments, privileges, extension members) with a
#      fresh CREATE EXTENSION crm in another database, and the sample data,
#      as text and as binary COPY, with what the old version read; and the
#      stored sketch (the old default budget_kb, 16384) merged with one built
#      now at today's default budget: they merge at the smaller budget.
# Any difference is printed as a diff and fails the check.  RELEASES without
# releases passes, saying so.  First runs scripts/check-versions.sh.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

current=$(sed -n "s/^default_version = '\(.*\)'$/\1/p" crm.control)

# --- in the cluster (run through scripts/with-cluster.sh) ------------------

psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# the sample tables of database $1, as text or binary COPY, into file $3
read_sample() {
	db=$1 format=$2 out=$3
	: > "$out"
	for t in $(psql -X -At -d "$db" -c "SELECT c.relname FROM pg_class c
			WHERE c.relnamespace = 'upgrade_sample'::regnamespace AND c.relkind = 'r' ORDER BY 1"); do
		echo "-- upgrade_sample.$t" >> "$out"
		psql -X -q -v ON_ERROR_STOP=1 -d "$db" \
			-c "COPY (SELECT * FROM upgrade_sample.$t ORDER BY 1) TO STDOUT (FORMAT $format)" >> "$out" || return 1
	done
}

in_cluster() {
	work=$1
	fail=0
	passed=0
	failed=0

	echo "== fresh install of $current"
	createdb crm_fresh
	psql_q -d crm_fresh -c 'CREATE EXTENSION crm'
	# the sample script must run on the current version too (every type covered)
	psql_q -d crm_fresh -f test/upgrade/sample.sql
	psql -X -At -v ON_ERROR_STOP=1 -d crm_fresh -f test/upgrade/catalog.sql > "$work/fresh.catalog"
	echo "   $(wc -l < "$work/fresh.catalog") catalogue lines"

	chain=$(awk '{ print $1 }' "$work/releases")
	last=$(echo "$chain" | tail -n 1)
	[ "$last" = "$current" ] || chain="$chain
$current"

	for v in $(awk '{ print $1 }' "$work/releases"); do
		commit=$(awk -v v="$v" '$1 == v { print $2 }' "$work/releases")
		db=crm_from_$(echo "$v" | tr . _)
		ok=1
		echo "== from $v ($(echo "$commit" | cut -c 1-12))"
		createdb "$db"
		# the old version, its sample data and what it reads back, in sessions
		# that load crm from the old version's files
		if ! (
			PGOPTIONS="${PGOPTIONS:-} -c extension_destdir=$work/stage/$v"
			export PGOPTIONS
			psql_q -d "$db" -c "CREATE EXTENSION crm VERSION '$v'" &&
			psql_q -d "$db" -f test/upgrade/sample.sql &&
			read_sample "$db" text "$work/$v.before.txt" &&
			read_sample "$db" binary "$work/$v.before.bin"
		); then
			echo "   FAIL: could not create version $v with the sample data"
			failed=$((failed + 1)); fail=1; continue
		fi

		# the current build's files from here on: update through every later release
		steps=$(echo "$chain" | awk -v v="$v" 'found { print } $0 == v { found = 1 }')
		from=$v
		for to in $steps; do
			if psql_q -d "$db" -c "ALTER EXTENSION crm UPDATE TO '$to'" &&
			   [ "$(psql -X -At -d "$db" -c "SELECT extversion FROM pg_extension WHERE extname = 'crm'")" = "$to" ]; then
				echo "   ALTER EXTENSION crm UPDATE TO '$to': ok"
			else
				echo "   FAIL: ALTER EXTENSION crm UPDATE from $from to '$to'"
				ok=0
				break
			fi
			from=$to
		done
		[ -n "$steps" ] || echo "   $v is the current version: nothing to update"

		if [ $ok -eq 1 ]; then
			psql -X -At -v ON_ERROR_STOP=1 -d "$db" -f test/upgrade/catalog.sql > "$work/$v.catalog"
			label="updated from $v"
			[ -n "$steps" ] || label="created as $v (released)"
			if diff -u --label "fresh install of $current" --label "$label" \
					"$work/fresh.catalog" "$work/$v.catalog" > "$work/$v.catalog.diff"; then
				echo "   catalogue: identical to a fresh install ($(wc -l < "$work/$v.catalog") lines)"
			else
				echo "   FAIL: catalogue differs from a fresh install (-: only in the fresh install, +: only in $label)"
				sed 's/^/   /' "$work/$v.catalog.diff"
				if [ -z "$steps" ]; then
					echo "   The SQL surface changed since $v was released, but default_version is still $v:"
					echo "   bump default_version (crm.control, META.json, debian/changelog) and put the"
					echo "   changes in src/upgrade/crm--$v--<new version>.sql."
				fi
				ok=0
			fi
			read_sample "$db" text "$work/$v.after.txt" || ok=0
			read_sample "$db" binary "$work/$v.after.bin" || ok=0
			if diff -u --label "read by $v" --label "read after the update" \
					"$work/$v.before.txt" "$work/$v.after.txt" > "$work/$v.sample.diff"; then
				echo "   sample data: identical as text ($(grep -vc '^-- ' "$work/$v.after.txt") rows)"
			else
				echo "   FAIL: sample data stored by $v reads back differently as text"
				head -n 40 "$work/$v.sample.diff" | sed 's/^/   /'
				ok=0
			fi
			if cmp -s "$work/$v.before.bin" "$work/$v.after.bin"; then
				echo "   sample data: identical as binary COPY"
			else
				echo "   FAIL: sample data stored by $v reads back differently as binary COPY"
				ok=0
			fi
			# the sketch stored by the old version (at its default budget then)
			# merges with one built now at today's default: budgets may differ,
			# the merge takes the smaller one (since 0.2.0)
			merged=$(psql -X -At -v ON_ERROR_STOP=1 -d "$db" -c "
				SELECT format('%s rows, budget_kb %s (new default %s)', j->>'rows', j->>'budget_kb', d)
				FROM (SELECT crm.merge(s)::text::jsonb AS j FROM (
					SELECT sketch FROM upgrade_sample.value_of_every_type WHERE id = 1
					UNION ALL SELECT crm.sketch(f) FROM upgrade_sample.points WHERE g <= 10) x(s)) m,
				     (SELECT crm.sketch(f)::text::jsonb->>'budget_kb' AS d FROM upgrade_sample.points WHERE g <= 10) n" 2>&1) || true
			case "$merged" in
			"20 rows, budget_kb "*)
				b=$(echo "$merged" | sed 's/^20 rows, budget_kb \([0-9]*\) (new default \([0-9]*\))$/\1 \2/')
				if [ "${b% *}" = "${b#* }" ]; then
					echo "   stored sketch merged with one of today's default budget: $merged"
				else
					echo "   FAIL: stored sketch merged with a new one: $merged"; ok=0
				fi ;;
			*)
				echo "   FAIL: stored sketch merged with a new one: $merged"; ok=0 ;;
			esac
		fi
		if [ $ok -eq 1 ]; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1)); fail=1
		fi
	done

	echo "upgrade-check: $passed passed, $failed failed"
	return $fail
}

if [ "${1:-}" = "--in-cluster" ]; then
	in_cluster "$2"
	exit $?
fi

# --- outside: check, build the released versions, start the cluster -------

scripts/check-versions.sh

releases=$(grep -Ev '^[[:space:]]*(#|$)' RELEASES || true)
if [ -z "$releases" ]; then
	echo "upgrade-check: no released versions in RELEASES, nothing to update from: pass"
	exit 0
fi

git rev-parse --git-dir > /dev/null 2>&1 ||
	{ echo "upgrade-check: needs the git history (released versions are built from their commits)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/crm-upgrade.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
# the server (the postgres user when we are root) reads the old versions' files
chmod 0755 "$work"
echo "$releases" > "$work/releases"

jobs=$(nproc 2>/dev/null || echo 2)
for v in $(awk '{ print $1 }' "$work/releases"); do
	commit=$(awk -v v="$v" '$1 == v { print $2 }' "$work/releases")
	if ! git cat-file -e "$commit^{commit}" 2>/dev/null; then
		echo "upgrade-check: commit $commit of release $v is not in this clone" >&2
		[ "$(git rev-parse --is-shallow-repository)" = true ] && echo "  (a shallow clone: git fetch --unshallow)" >&2
		exit 1
	fi
	had=$(git show "$commit:crm.control" | sed -n "s/^default_version = '\(.*\)'$/\1/p")
	if [ "$had" != "$v" ]; then
		echo "upgrade-check: RELEASES says $commit is $v, but its crm.control has default_version '$had'" >&2
		exit 1
	fi
	echo "== building $v from $commit"
	mkdir -p "$work/src/$v"
	git archive "$commit" | tar -x -C "$work/src/$v"
	# an old release is built as it was: warnings not fatal, no JIT bitcode
	if ! { make -C "$work/src/$v" -j"$jobs" CRM_WERROR= with_llvm=no &&
	       make -C "$work/src/$v" install CRM_WERROR= with_llvm=no DESTDIR="$work/stage/$v"; } \
			> "$work/build-$v.log" 2>&1; then
		tail -n 40 "$work/build-$v.log" >&2
		echo "upgrade-check: building $v failed" >&2
		exit 1
	fi
done
chmod -R a+rX "$work"

scripts/with-cluster.sh "$top/scripts/upgrade-check.sh" --in-cluster "$work"
