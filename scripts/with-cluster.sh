#!/bin/sh
# Run a command against a throw-away PostgreSQL 15 cluster with this build of
# crm installed.
#
# The extension (and the test-only module test/citus_emul) is installed into
# a temporary prefix (make install DESTDIR=...) that only this cluster sees,
# through Debian's extension_destdir setting, so no root is needed and
# nothing outside the temporary directory changes.  The cluster
# (pg_virtualenv -t) lives in a temporary directory, is reached through a
# private Unix socket directory with trust authentication, and is dropped
# when the command exits, whatever its status.  PGHOST, PGPORT and
# PGUSER are set for the command.  Extra server settings can be passed as
# pg_virtualenv options in CRM_CLUSTER_OPTS ("-o name=value ...").
set -eu

if [ $# -eq 0 ]; then
	echo "usage: $0 command [args...]" >&2
	exit 2
fi

# The cluster and its clients are UTF-8 whatever the caller's locale: CI and
# fresh machines may run with no LANG at all, which would give an SQL_ASCII
# cluster (byte-counting length(), misaligned psql columns for the Chinese
# tier labels and the crm.bar blocks in the expected outputs).
LANG=C.UTF-8
LC_ALL=C.UTF-8
export LANG LC_ALL

top=$(cd "$(dirname "$0")/.." && pwd)
run=$(mktemp -d "${TMPDIR:-/tmp}/crm-run.XXXXXX")
trap 'rm -rf "$run"' EXIT INT TERM
chmod 0755 "$run"
mkdir "$run/socket"
# the server runs as the postgres user when we are root
chmod 0777 "$run/socket"

make -s -C "$top" install DESTDIR="$run/stage" >/dev/null
# the test-only Citus 13 emulation module (test/citus_emul), into the same
# throw-away prefix: make test's emulation suite loads it; crm never does
make -s -C "$top/test/citus_emul" install DESTDIR="$run/stage" >/dev/null
chmod -R a+rX "$run/stage"

# Each cluster gets its own port, so that several can run at once (the
# default would be 5432 for every one of them): a random one that nothing
# listens on.
if [ -z "${PGPORT:-}" ]; then
	used=$(ss -Htln 2>/dev/null | awk '{ n = split($4, a, ":"); print a[n] }')
	while :; do
		PGPORT=$(( $(od -An -N2 -tu2 /dev/urandom) % 30000 + 20000 ))
		echo "$used" | grep -qx "$PGPORT" || break
	done
	export PGPORT
fi

# shellcheck disable=SC2086
pg_virtualenv -t -v 15 \
	-i "--auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8" \
	-o "unix_socket_directories=$run/socket" \
	-o "extension_destdir=$run/stage" \
	-o "max_parallel_workers_per_gather=2" \
	${CRM_CLUSTER_OPTS:-} \
	env PGHOST="$run/socket" "$@"
