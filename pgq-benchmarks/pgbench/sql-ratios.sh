#!/usr/bin/env bash
# SQL-level insert ratios measured with pgbench, without any Java client in the way.
#
#   pgq-benchmarks/pgbench/sql-ratios.sh [impl...]        impl: pgq-java, reference (default: both)
#
# For each implementation it creates a fresh database (pgq_pgbench_<impl>) on the server that
# psql reaches with the usual libpq variables (PGHOST, PGPORT, PGUSER; default 127.0.0.1:5432,
# postgres), installs pgq-schema/target/sql/install.sql (pgq-java) or runs CREATE EXTENSION pgq
# (reference, Debian package postgresql-15-pgq3), and creates the baseline table: the columns,
# defaults, storage parameters and ev_txid index of an event table.
#
# The baseline and the candidate run in ONE pgbench process (-f base@1 -f cand@1): every client
# picks one of the two scripts at random for each transaction, so both see the same moments of
# a shared machine.  Ratio = the baseline's mean latency / the candidate's, i.e. the candidate's
# throughput relative to the baseline's.  Each scenario runs ROUNDS times (default 5) for DURATION
# seconds (default 10); the median is printed with every round's value.
#
#   1 per tx:   select pgq.insert_event('bq', 'bench', <payload>)           4 clients
#        vs     insert into baseline (ev_time, ev_type, ev_data) values (now(), 'bench', <payload>)
#   100 per tx: select pgq.insert_event('bq', 'bench', <payload> || i) from generate_series(1, 100) i
#        vs     insert into baseline ... select now(), 'bench', <payload> || i from generate_series(1, 100) i
#                                                                             1 client
# Each scenario runs with both protocols (PROTOCOLS, default "simple prepared"): -M simple sends
# the statement as text every time, as psql, psycopg2 (python-pgq) and pgjdbc with
# prepareThreshold=0 (common behind PgBouncer) do, so it is parsed and planned each time;
# -M prepared binds the payload to a prepared statement, as a Java client does.
set -euo pipefail

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
PROTOCOLS=${PROTOCOLS:-simple prepared}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
top=$(cd "$(dirname "$0")/../.." && pwd)
install_sql=$top/pgq-schema/target/sql/install.sql
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in psql pgbench; do
  command -v $tool >/dev/null || { echo "$tool is needed (Debian: psql in postgresql-client-15, pgbench in postgresql-15)" >&2; exit 2; }
done

write_scripts() {
  local payload="'{\"id\": 42, \"name\": \"bench\"}' || :x"
  printf '\\set x random(1, 1000000)\ninsert into baseline (ev_time, ev_type, ev_data) values (now(), %s, %s);\n' \
    "'bench'" "$payload" > "$work/b1.sql"
  printf '\\set x random(1, 1000000)\nselect pgq.insert_event(%s, %s, %s);\n' \
    "'bq'" "'bench'" "$payload" > "$work/q1.sql"
  printf '\\set x random(1, 1000000)\ninsert into baseline (ev_time, ev_type, ev_data) select now(), %s, %s || i from generate_series(1, 100) i;\n' \
    "'bench'" "$payload" > "$work/b100.sql"
  printf '\\set x random(1, 1000000)\nselect pgq.insert_event(%s, %s, %s || i) from generate_series(1, 100) i;\n' \
    "'bq'" "'bench'" "$payload" > "$work/q100.sql"
}

prepare_database() {
  local impl=$1 db=$2
  psql -qX -d postgres -c "drop database if exists $db" -c "create database $db" >/dev/null 2>&1
  case $impl in
    pgq-java)
      [ -f "$install_sql" ] || { echo "build first: ./mvnw -q -DskipTests -pl pgq-schema -am install" >&2; exit 2; }
      psql -qX -v ON_ERROR_STOP=1 -d "$db" -f "$install_sql" >/dev/null 2>"$work/install.log" \
        || { cat "$work/install.log" >&2; exit 1; } ;;
    reference)
      psql -qX -v ON_ERROR_STOP=1 -d "$db" -c "create extension pgq" >/dev/null ;;
    *) echo "impl must be pgq-java or reference, got $impl" >&2; exit 2 ;;
  esac
  psql -qX -v ON_ERROR_STOP=1 -d "$db" >/dev/null <<'SQL'
select pgq.create_queue('bq');
create sequence baseline_id_seq;
create table baseline (like pgq.event_template including defaults) with (fillfactor = 100, autovacuum_enabled = off);
alter table baseline alter ev_id set default nextval('baseline_id_seq');
create index baseline_txid_idx on baseline (ev_txid);
SQL
}

# One pgbench run of both scripts, interleaved: protocol db clients seconds base cand.
pgbench_pair() {
  pgbench -n -M "$1" -c "$3" -j "$(( $3 < 2 ? $3 : 2 ))" -T "$4" -f "$work/$5.sql@1" -f "$work/$6.sql@1" "$2" 2>&1
}

# Mean latency (ms) of each script of one interleaved run on empty tables: prints "baseline candidate".
paired_run() {
  local protocol=$1 db=$2 clients=$3 base=$4 cand=$5
  # (the event tables are children of the queue's data table)
  psql -qXAt -d "$db" -c "select 'truncate baseline, ' || string_agg(queue_data_pfx, ', ') from pgq.queue" \
    | psql -qX -d "$db" >/dev/null
  pgbench_pair "$protocol" "$db" "$clients" "$DURATION" "$base" "$cand" \
    | awk '/^SQL script/ {s = $4} /latency average/ && s != "" {printf "%s ", $5} END {print ""}'
}

scenario() {
  local protocol=$1 impl=$2 db=$3 name=$4 clients=$5 base=$6 cand=$7
  local ratios=()
  pgbench_pair "$protocol" "$db" "$clients" 2 "$base" "$cand" >/dev/null    # warm-up
  for ((r = 1; r <= ROUNDS; r++)); do
    read -r lb lc <<< "$(paired_run "$protocol" "$db" "$clients" "$base" "$cand")"
    ratios+=("$(awk -v b="$lb" -v c="$lc" 'BEGIN {printf "%.3f", b / c}')")
  done
  local median
  median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
  printf '%-34s %-9s %-10s median %5.2fx   rounds: %s\n' "$name" "$protocol" "$impl" "$median" "${ratios[*]}"
}

write_scripts
impls=("${@:-pgq-java}")
[ $# -gt 0 ] || impls=(pgq-java reference)
for impl in "${impls[@]}"; do
  prepare_database "$impl" "pgq_pgbench_${impl//-/_}"
done
# The implementations take turns per scenario and protocol, so that each pair of figures comes
# from neighbouring minutes of the shared machine.
for protocol in $PROTOCOLS; do
  for impl in "${impls[@]}"; do
    scenario "$protocol" "$impl" "pgq_pgbench_${impl//-/_}" "insert_event, 1 per tx, 4 clients" 4 b1 q1
  done
  for impl in "${impls[@]}"; do
    scenario "$protocol" "$impl" "pgq_pgbench_${impl//-/_}" "insert_event x100, 1 client" 1 b100 q100
  done
done
for impl in "${impls[@]}"; do
  psql -qX -d postgres -c "drop database pgq_pgbench_${impl//-/_}" >/dev/null
done
