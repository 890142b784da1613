#!/usr/bin/env bash
# The cost of retrying events of one large batch, against reading that batch, in the same run.
#
#   pgq-benchmarks/pgbench/retry-cost.sh
#
# Creates a fresh database (pgq_retry_cost) on the server that psql reaches with the usual libpq
# variables (PGHOST, PGPORT, PGUSER; default 127.0.0.1:5432, postgres), installs
# pgq-schema/target/sql/install.sql, writes EVENTS events (default 200,000) in one transaction,
# ticks and opens one batch holding all of them.  The retried events are every 100th event of
# the batch (1%, spread over the whole batch).  Each round then times, server side and in a
# random order:
#
#   read      select count(*) from pgq.get_batch_events(batch)                  (the baseline)
#   many      select pgq.event_retry_many(batch, <the 1% ids>, 0)               (one call)
#   per-event select sum(pgq.event_retry(batch, id, 0)) from unnest(<ids>) id   (PER_EVENT ids)
#
# Every retry runs in a subtransaction that is rolled back, so each round starts from the same
# state.  The per-event path costs a scan of the batch per event, so it runs on PER_EVENT of the
# ids only (default 20) and its time for all of them is extrapolated (printed as such).
# Printed: each round's times and the medians; ratio = many / read (at most 1.5 is the target).
set -euo pipefail

EVENTS=${EVENTS:-200000}
ROUNDS=${ROUNDS:-7}
PER_EVENT=${PER_EVENT:-20}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
top=$(cd "$(dirname "$0")/../.." && pwd)
install_sql=$top/pgq-schema/target/sql/install.sql
db=pgq_retry_cost

command -v psql >/dev/null || { echo "psql is needed (Debian: postgresql-client-15)" >&2; exit 2; }
[ -f "$install_sql" ] || { echo "build first: ./mvnw -q -DskipTests -pl pgq-schema -am package" >&2; exit 2; }

psql -qX -d postgres -c "drop database if exists $db" -c "create database $db" >/dev/null 2>&1
trap 'psql -qX -d postgres -c "drop database if exists $db" >/dev/null' EXIT
psql -qX -v ON_ERROR_STOP=1 -d "$db" -f "$install_sql" >/dev/null 2>&1

psql -qXAt -v ON_ERROR_STOP=1 -v events="$EVENTS" -v rounds="$ROUNDS" -v per_event="$PER_EVENT" -d "$db" <<'SQL'
\o /dev/null
select pgq.create_queue('rq');
select pgq.register_consumer('rq', 'c');
begin;
select count(pgq.insert_event('rq', 'bench', '{"n": ' || i || ', "pad": "' || repeat('x', 60) || '"}'))
  from generate_series(1, :events) i;
commit;
select pgq.force_tick('rq');
select pgq.ticker('rq');
select pgq.next_batch('rq', 'c') as batch \gset
vacuum analyze;

-- Milliseconds taken by one statement, rolled back.
create function pg_temp.timed(i_sql text) returns float8 language plpgsql as $$
declare
    t0 timestamptz := clock_timestamp();
begin
    begin
        execute i_sql;
        raise exception 'timed: roll back';
    exception when raise_exception then
        if sqlerrm <> 'timed: roll back' then
            raise;
        end if;
    end;
    return extract(epoch from clock_timestamp() - t0) * 1000;
end;
$$;

create temp table ids as
select array_agg(ev_id order by ev_id) as all_ids,
       (array_agg(ev_id order by ev_id))[1:(:per_event)] as sample
  from pgq.get_batch_events(:batch) where ev_id % 100 = 0;
create temp table t (round int, what text, ms float8);
set bench.rounds = :rounds;

\o
select format('batch %s: %s events, %s retried (1%%); per-event path timed on %s of them',
              :batch, :events, cardinality(all_ids), cardinality(sample)) from ids;
\o /dev/null
select pg_temp.timed(format('select count(*) from pgq.get_batch_events(%s)', :batch));   -- warm-up
\o

do $$
declare
    v_batch bigint := (select sub_batch from pgq.subscription where sub_batch is not null);
    v_all   text := (select all_ids::text from ids);
    v_some  text := (select sample::text from ids);
    v_what  text;
begin
    for r in 1 .. current_setting('bench.rounds')::int loop
        for v_what in select w from unnest(array['read', 'many', 'per-event']) w order by random() loop
            insert into t values (r, v_what, pg_temp.timed(case v_what
                when 'read' then format('select count(*) from pgq.get_batch_events(%s)', v_batch)
                when 'many' then format('select pgq.event_retry_many(%s, %L, 0)', v_batch, v_all)
                else format('select sum(pgq.event_retry(%s, id, 0)) from unnest(%L::bigint[]) id', v_batch, v_some)
            end));
        end loop;
    end loop;
end;
$$;

select format('round %s: read %s ms, event_retry_many %s ms, per-event %s ms for %s events',
              round, max(ms) filter (where what = 'read')::numeric(10, 1),
              max(ms) filter (where what = 'many')::numeric(10, 1),
              max(ms) filter (where what = 'per-event')::numeric(10, 1), (select cardinality(sample) from ids))
  from t group by round order by round;
with m as (
    select what, percentile_cont(0.5) within group (order by ms) as ms from t group by what)
select format(E'median: read %s ms, event_retry_many %s ms (%sx the read); per-event path %s ms per event, '
              'about %s s for all %s events',
              (select ms from m where what = 'read')::numeric(10, 1),
              (select ms from m where what = 'many')::numeric(10, 1),
              ((select ms from m where what = 'many') / (select ms from m where what = 'read'))::numeric(10, 2),
              ((select ms from m where what = 'per-event') / cardinality(sample))::numeric(10, 1),
              ((select ms from m where what = 'per-event') / cardinality(sample) * cardinality(all_ids) / 1000)::numeric(10, 0),
              cardinality(all_ids))
  from ids;
SQL
