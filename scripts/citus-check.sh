#!/bin/sh
# Run crm against a real local Citus cluster: a coordinator and two workers
# (PostgreSQL 15, Citus 13), each on a private Unix socket, with this build
# of crm installed into a temporary prefix (as scripts/with-cluster.sh does).
#
#   scripts/citus-check.sh              run the suites in test/citus/
#                                       (pg_regress, expected/ beside them)
#   scripts/citus-check.sh cmd [args]   run a command instead, with PGHOST,
#                                       PGPORT, PGUSER, PGDATABASE set for
#                                       the coordinator (e.g. bench/citus.sh)
#
# Not part of make test or CI: Citus is not in Debian's archive.  When it is
# not installed for this PostgreSQL, the script says so and exits 0.  To
# install it, build Citus 13.2.x from its public source (README, "Running
# on Citus").  The three clusters live in a temporary directory that is
# removed when the script exits, whatever its status; nothing listens on
# TCP.  Server settings for every node can be added in CRM_CITUS_OPTS
# ("name=value ...", e.g. "shared_buffers=1GB work_mem=256MB").
set -eu

LANG=C.UTF-8
LC_ALL=C.UTF-8
export LANG LC_ALL

top=$(cd "$(dirname "$0")/.." && pwd)
pgbin=$(pg_config --bindir)
pkglibdir=$(pg_config --pkglibdir)
sharedir=$(pg_config --sharedir)
pgversion=$(pg_config --version)

# Citus must be installed where the server finds it: it checks its own
# control file through pg_available_extensions, which reads the server's
# share directory only (not extension_destdir), so a private prefix does not do.
if [ ! -f "$pkglibdir/citus.so" ] || [ ! -f "$sharedir/extension/citus.control" ]; then
	echo "citus-check: SKIPPED: Citus is not installed for $pgversion ($pkglibdir/citus.so or $sharedir/extension/citus.control missing); see README.md, \"Running on Citus\", to build it"
	exit 0
fi
citus_version=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$sharedir/extension/citus.control")
case "$citus_version" in
	13.*) ;;
	*) echo "citus-check: note: Citus $citus_version installed; these checks describe Citus 13" ;;
esac

run=$(mktemp -d "${TMPDIR:-/tmp}/crm-citus.XXXXXX")
chmod 0755 "$run"
mkdir "$run/socket" "$run/out"
chmod 0777 "$run/socket" "$run/out"

# The servers refuse to run as root: as root, run them as postgres.
if [ "$(id -u)" -eq 0 ]; then
	as_server() { runuser -u postgres -- "$@"; }
	chown postgres "$run"
else
	as_server() { "$@"; }
fi

# Three ports next to each other: with no TCP listener they only name the
# sockets in the private directory, so any will do.
port=$(( $(od -An -N2 -tu2 /dev/urandom) % 30000 + 20000 ))
nodes="0 1 2"

stop_all() {
	for i in $nodes; do
		if [ -f "$run/n$i/postmaster.pid" ]; then
			as_server "$pgbin/pg_ctl" -D "$run/n$i" -m immediate -w stop >/dev/null 2>&1 || true
		fi
	done
	rm -rf "$run"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

make -s -C "$top" install DESTDIR="$run/stage" >/dev/null
chmod -R a+rX "$run/stage"

for i in $nodes; do
	p=$((port + i))
	as_server "$pgbin/initdb" -D "$run/n$i" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
	{
		echo "listen_addresses = ''"
		echo "unix_socket_directories = '$run/socket'"
		echo "port = $p"
		echo "extension_destdir = '$run/stage'"
		echo "shared_preload_libraries = 'citus'"
		# a throw-away cluster: no durability needed
		echo "fsync = off"
		echo "synchronous_commit = off"
		echo "full_page_writes = off"
		echo "max_parallel_workers_per_gather = 0"
		for o in ${CRM_CITUS_OPTS:-}; do
			echo "${o%%=*} = '${o#*=}'"
		done
	} >> "$run/n$i/postgresql.conf"
	as_server "$pgbin/pg_ctl" -D "$run/n$i" -l "$run/n$i.log" -w start >/dev/null ||
		{ cat "$run/n$i.log" >&2; exit 1; }
done

PGHOST=$run/socket
PGUSER=postgres
PGDATABASE=postgres
PGPORT=$port
export PGHOST PGUSER PGDATABASE PGPORT

# Citus on every node; the coordinator knows itself and the two workers
# (by socket directory: Citus connects through libpq, for which a host that
# starts with a slash is a socket directory).  CREATE EXTENSION crm on the
# coordinator then creates it on the workers too.
for i in $nodes; do
	psql -X -q -v ON_ERROR_STOP=1 -p $((port + i)) -c 'SET client_min_messages = warning' \
		-c 'CREATE EXTENSION citus'
done
psql -X -q -v ON_ERROR_STOP=1 -At \
	-c "SELECT citus_set_coordinator_host('$run/socket', $port)" \
	-c "SELECT citus_add_node('$run/socket', $((port + 1)))" \
	-c "SELECT citus_add_node('$run/socket', $((port + 2)))" \
	-c 'SET client_min_messages = warning' -c 'CREATE EXTENSION crm' >/dev/null
echo "citus-check: Citus $(psql -X -At -c "SELECT extversion FROM pg_extension WHERE extname = 'citus'") on $pgversion, coordinator + $(psql -X -At -c 'SELECT count(*) FROM citus_get_active_worker_nodes()') workers, crm $(psql -X -At -c "SELECT extversion FROM pg_extension WHERE extname = 'crm'")"

if [ $# -gt 0 ]; then
	# with CRM_BANK_CSV set when the shared data is there, as make test does
	bank_csv=$(cd "$top/.." && pwd)/shared/data/bank_churners.csv
	[ -r "$bank_csv" ] && { CRM_BANK_CSV=$bank_csv; export CRM_BANK_CSV; }
	"$@"
	exit $?
fi

suites=$(cd "$top/test/citus/sql" && ls ./*.sql | sed 's|^\./||; s|\.sql$||')
rc=0
# shellcheck disable=SC2086
"$pkglibdir/pgxs/src/test/regress/pg_regress" --use-existing --dbname=postgres \
	--inputdir="$top/test/citus" --outputdir="$run/out" \
	--host="$run/socket" --port="$port" $suites || rc=$?
if [ $rc -ne 0 ]; then
	[ -f "$run/out/regression.diffs" ] && cat "$run/out/regression.diffs"
	cp "$run/out/regression.diffs" "$top/citus-regression.diffs" 2>/dev/null || true
	rm -rf "$top/test/citus/results"
	cp -r "$run/out/results" "$top/test/citus/results" 2>/dev/null || true
	echo "citus-check: FAIL (diffs in citus-regression.diffs, outputs in test/citus/results/)"
	exit $rc
fi
echo "citus-check: PASS"
