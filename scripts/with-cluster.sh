#!/bin/sh
# Run a command against a throw-away PostgreSQL 15 cluster.
#
# The cluster lives in a temporary directory (pg_virtualenv -t), listens on a
# private Unix socket only (no TCP port), trusts local connections, and is
# dropped when the command exits, whatever its status.  PGHOST, PGPORT,
# PGUSER and PGDATABASE are set for the command.  Extra server settings can be
# passed as pg_virtualenv options in CRM_CLUSTER_OPTS ("-o name=value ...").
set -eu

if [ $# -eq 0 ]; then
	echo "usage: $0 command [args...]" >&2
	exit 2
fi

sockdir=$(mktemp -d "${TMPDIR:-/tmp}/crm-socket.XXXXXX")
# The server runs as the postgres user when we are root.
chmod 0777 "$sockdir"
trap 'rm -rf "$sockdir"' EXIT INT TERM

# shellcheck disable=SC2086
pg_virtualenv -t -v 15 \
	-i "--auth-local=trust" \
	-o "unix_socket_directories=$sockdir" \
	-o "listen_addresses=" \
	-o "max_parallel_workers_per_gather=2" \
	${CRM_CLUSTER_OPTS:-} \
	env PGHOST="$sockdir" "$@"
