#!/usr/bin/env bash
# Black-box expectations for pgq.logutriga/sqltriga/jsontriga (TriggerExpectationsTest replays them).
# Usage: check.sh DBNAME   (a scratch database that has the triggers installed, e.g. by
#        psql -f pgq-schema/target/sql/install.sql; 00-mock.sql REPLACES pgq.insert_event(7 args) with a mock recording
#        its arguments in public.ev_log, so never run it against a database with real queues).
# Each pN.sql makes changes on tables with the triggers and lists public.ev_log; pN.expected
# is the psql transcript (-A, psql:file:line prefixes and CONTEXT lines removed). The
# transcripts were checked against the reference C triggers (postgresql-15-pgq3 3.5) with the
# same mock: identical except the deviations listed in docs/design/triggers.md
# (when= with a NULL result: p4.sql line 9; duplicate ev_type= arguments: p5.sql line 53).
set -uo pipefail
db="${1:?usage: check.sh DBNAME}"
dir="$(cd "$(dirname "$0")" && pwd)"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
psql -X -q -d "$db" -f "$dir/00-mock.sql" || exit 1
rc=0
for f in "$dir"/p*.sql; do
  exp="${f%.sql}.expected"
  if psql -X -A -d "$db" -f "$f" 2>&1 | sed -E 's/^psql:[^:]+:[0-9]+: //' \
       | grep -v -E '^(CONTEXT:|PL/pgSQL function|SQL statement|DETAIL:  argument)' | diff -u "$exp" - ; then
    echo "ok   $(basename "$f")"
  else
    echo "FAIL $(basename "$f")"; rc=1
  fi
done
exit $rc
