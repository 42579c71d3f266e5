#!/bin/sh
# Load the synthetic bank and print the report: every demo/NN_*.sql in name
# order against a fresh database (see scripts/with-cluster.sh for the cluster).
set -eu
cd "$(dirname "$0")/.."
db=crm_demo
dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
psql -X -q -d "$db" -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION crm'
for f in demo/[0-9]*.sql; do
	psql -X -q -v ON_ERROR_STOP=1 -P pager=off -d "$db" -f "$f"
done
