#!/usr/bin/env bash
# Change-capture trigger speed, pgq-java against the reference C triggers, measured with psql and
# pgbench on one PostgreSQL server.
#
#   pgq-benchmarks/pgbench/trigger-ratios.sh [trigger...]     trigger: logutriga sqltriga jsontriga (default: all)
#
# It creates two fresh databases on the server that psql reaches with the usual libpq variables
# (PGHOST, PGPORT, PGUSER; default 127.0.0.1:5432, postgres): pgq_trg_java with
# pgq-schema/target/sql/install.sql, pgq_trg_ref with CREATE EXTENSION pgq (Debian package
# postgresql-15-pgq3). In each, for every trigger, a table
#   id int8 primary key, name text, price numeric(12,2), qty int4, created timestamptz, note text
# with "after insert or update or delete for each row execute procedure pgq.<trigger>('q')".
#
# Multi-row statements (psql, \timing): per round and trigger, in this order
#   pgq-java INSERT 5,000 rows, reference INSERT, pgq-java UPDATE of the 5,000 rows, reference UPDATE
# (interleaved so both see the same moments of a shared machine; the tables are emptied between
# rounds, untimed; each statement runs in a new session, so per-session caches start cold).
# Printed: the median over ROUNDS (default 5) of each time and of the per-round ratio
# pgq-java / reference (at most 3 is the goal), for wall-clock time and for the CPU time of the
# server process (read from /proc when the server is local, in ns from /proc/<pid>/schedstat);
# and, as "min", the ratio of each side's least CPU time over the rounds (a busy machine only
# ever adds CPU time, through shared caches and cores, so the least is the closest to the cost).
#
# One row per transaction (pgbench -M prepared, 1 client): a single-row INSERT, DURATION seconds
# (default 5) on pgq-java, then the same on the reference, ROUNDS times. Printed: the median of
# the ratio pgq-java tps / reference tps (at least 0.8 is the goal) with every round's ratio.
set -euo pipefail

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-5}
ROWS=${ROWS:-5000}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
top=$(cd "$(dirname "$0")/../.." && pwd)
install_sql=$top/pgq-schema/target/sql/install.sql
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
JAVA=pgq_trg_java
REF=pgq_trg_ref
triggers=("${@:-logutriga}")
[ $# -gt 0 ] || triggers=(logutriga sqltriga jsontriga)

for tool in psql pgbench; do
  command -v $tool >/dev/null || { echo "$tool is needed (Debian: psql in postgresql-client-15, pgbench in postgresql-15)" >&2; exit 2; }
done
for t in "${triggers[@]}"; do
  case $t in logutriga|sqltriga|jsontriga) ;; *) echo "trigger must be logutriga, sqltriga or jsontriga, got $t" >&2; exit 2 ;; esac
done
[ -f "$install_sql" ] || { echo "build first: ./mvnw -q -DskipTests -pl pgq-schema -am package" >&2; exit 2; }

prepare_database() {
  local db=$1
  psql -qX -d postgres -c "drop database if exists $db" -c "create database $db" >/dev/null 2>&1
  if [ "$db" = "$JAVA" ]; then
    psql -qX -v ON_ERROR_STOP=1 -d "$db" -f "$install_sql" >/dev/null 2>"$work/install.log" \
      || { cat "$work/install.log" >&2; exit 1; }
  else
    psql -qX -v ON_ERROR_STOP=1 -d "$db" -c "create extension pgq" >/dev/null \
      || { echo "the reference needs the Debian package postgresql-15-pgq3" >&2; exit 2; }
  fi
  psql -qX -v ON_ERROR_STOP=1 -d "$db" -c "select pgq.create_queue('q')" >/dev/null
  for t in "${triggers[@]}"; do
    psql -qX -v ON_ERROR_STOP=1 -d "$db" >/dev/null <<SQL
create table t_$t (id int8 primary key, name text, price numeric(12,2), qty int4, created timestamptz, note text);
create trigger cap after insert or update or delete on t_$t for each row execute procedure pgq.$t('q');
create sequence t_${t}_one_seq start 100000000;
create table t_${t}_one (id int8 primary key default nextval('t_${t}_one_seq'), name text, price numeric(12,2),
                         qty int4, created timestamptz, note text);
create trigger cap after insert or update or delete on t_${t}_one for each row execute procedure pgq.$t('q');
SQL
  done
}

# One statement in a fresh session: prints "wall_ms cpu_ms", the statement's time as psql's
# \timing reports it and the CPU time its server process spent on it (from /proc, when the
# server runs on this machine and /proc/<pid>/stat is readable; else "-"). CPU time is far less
# disturbed than wall time by other work on a shared machine.
timed() {
  local db=$1 sql=$2 pid c0 c1 wall line
  coproc PSQL { psql -qXAt -v ON_ERROR_STOP=1 -d "$db" 2>&1; }
  echo "select pg_backend_pid();" >&"${PSQL[1]}"
  read -r pid <&"${PSQL[0]}"
  c0=$(cpu_ns "$pid")
  printf '\\timing on\n%s;\n\\timing off\nselect $$done$$;\n' "$sql" >&"${PSQL[1]}"
  while read -r line <&"${PSQL[0]}"; do
    case $line in
      Time:*) wall=$(awk '{print $2}' <<< "$line") ;;
      done) break ;;
      ERROR:*) echo "$db: $line" >&2; exit 1 ;;
    esac
  done
  c1=$(cpu_ns "$pid")
  echo '\q' >&"${PSQL[1]}"
  wait "$PSQL_PID" 2>/dev/null || true
  if [ "$c0" = - ] || [ "$c1" = - ]; then
    echo "$wall -"
  else
    awk -v w="$wall" -v a="$c0" -v b="$c1" 'BEGIN {printf "%s %.1f\n", w, (b - a) / 1e6}'
  fi
}
TICKS=$(getconf CLK_TCK)
# The process's CPU time in ns: /proc/<pid>/schedstat (exact), else utime + stime of
# /proc/<pid>/stat (in clock ticks, 10 ms on most systems); "-" when neither is readable.
cpu_ns() {
  awk '{print $1}' "/proc/$1/schedstat" 2>/dev/null \
    || awk -v t="$TICKS" '{printf "%.0f\n", ($14 + $15) * 1e9 / t}' "/proc/$1/stat" 2>/dev/null || echo -
}

insert_sql() {
  echo "insert into t_$1 select i, 'name ' || i, i * 1.25, i % 100, timestamptz '2024-01-01 00:00:00+00' + i * interval '1 s',
        case when i % 3 = 0 then null else 'n&o=te ' || i end from generate_series(1, $ROWS) i"
}
update_sql() { echo "update t_$1 set name = name || '.', qty = qty + 1"; }

median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

multi_row() {
  local t=$1 r ji ri ju ru
  : > "$work/$t.multi"
  for ((r = 0; r <= ROUNDS; r++)); do   # round 0 warms up
    for db in $JAVA $REF; do psql -qX -d "$db" -c "truncate t_$t" >/dev/null; done
    ji=$(timed $JAVA "$(insert_sql "$t")"); ri=$(timed $REF "$(insert_sql "$t")")
    ju=$(timed $JAVA "$(update_sql "$t")"); ru=$(timed $REF "$(update_sql "$t")")
    # columns: INSERT wall java, ref, CPU java, ref; UPDATE the same
    [ $r -eq 0 ] || echo "${ji% *} ${ri% *} ${ji#* } ${ri#* } ${ju% *} ${ru% *} ${ju#* } ${ru#* }" >> "$work/$t.multi"
  done
  report "$t" INSERT 1
  report "$t" UPDATE 5
}

# One line per statement kind: the medians of each side's time and of the per-round ratio,
# wall clock and CPU.
report() {
  local t=$1 op=$2 c=$3 col
  local out=""
  for kind in wall cpu; do
    col=$c; [ $kind = cpu ] && col=$((c + 2))
    if awk -v c=$col '$c == "-" {bad = 1} END {exit bad ? 0 : 1}' "$work/$t.multi"; then continue; fi
    local jm rm qm all
    jm=$(awk -v c=$col '{print $c}' "$work/$t.multi" | median)
    rm=$(awk -v c=$((col + 1)) '{print $c}' "$work/$t.multi" | median)
    qm=$(awk -v c=$col '{printf "%.2f\n", $c / ($(c + 1) > 0 ? $(c + 1) : 1)}' "$work/$t.multi" | median)
    all=$(awk -v c=$col '{printf "%.2f ", $c / ($(c + 1) > 0 ? $(c + 1) : 1)}' "$work/$t.multi")
    out+=$(printf '\n    %-4s  pgq-java %8.1f ms  reference %8.1f ms  ratio %5.2fx  (rounds: %s)' "$kind" "$jm" "$rm" "$qm" "$all")
    if [ $kind = cpu ]; then
      # each side's least CPU time over the rounds: the cost with the least interference
      jm=$(awk -v c=$col '{print $c}' "$work/$t.multi" | sort -g | head -1)
      rm=$(awk -v c=$((col + 1)) '{print $c}' "$work/$t.multi" | sort -g | head -1)
      out+=$(printf '\n    %-4s  pgq-java %8.1f ms  reference %8.1f ms  ratio %5.2fx  (least of each side)' min "$jm" "$rm" "$(ratio "$jm" "$rm")")
    fi
  done
  printf '%-10s %s %d rows in one statement%s\n' "$t" "$op" "$ROWS" "$out"
}

one_per_tx() {
  local t=$1 r jt rt ratios=()
  printf 'insert into t_%s_one (name, price, qty, created, note) values (%s, 12.5, 7, now(), null);\n' \
    "$t" "'one row'" > "$work/$t.one.sql"
  for db in $JAVA $REF; do pgbench -n -M prepared -c 1 -T 2 -f "$work/$t.one.sql" "$db" >/dev/null 2>&1; done
  for ((r = 1; r <= ROUNDS; r++)); do
    jt=$(pgbench -n -M prepared -c 1 -T "$DURATION" -f "$work/$t.one.sql" $JAVA 2>&1 | awk '/^tps/ {print $3}')
    rt=$(pgbench -n -M prepared -c 1 -T "$DURATION" -f "$work/$t.one.sql" $REF 2>&1 | awk '/^tps/ {print $3}')
    ratios+=("$(ratio "$jt" "$rt")")
    echo "$jt $rt" >> "$work/$t.one"
  done
  printf '%-10s 1 row/tx    pgq-java %8.0f tps   reference %8.0f tps   ratio %5.2fx  (rounds: %s)\n' \
    "$t" "$(awk '{print $1}' "$work/$t.one" | median)" "$(awk '{print $2}' "$work/$t.one" | median)" \
    "$(printf '%s\n' "${ratios[@]}" | median)" "${ratios[*]}"
}

prepare_database $JAVA
prepare_database $REF
for t in "${triggers[@]}"; do
  multi_row "$t"
  one_per_tx "$t"
done
psql -qX -d postgres -c "drop database $JAVA" -c "drop database $REF" >/dev/null
