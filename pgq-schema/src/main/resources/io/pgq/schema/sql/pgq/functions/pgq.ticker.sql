-- pgq._late_events(tables, snapshot): whether these event tables of a queue hold a committed
-- event that the tick with this snapshot does not (pgq-java).  A producer takes its event id
-- from the queue's event sequence before it commits: a tick taken in between counts the event
-- in its tick_event_seq but cannot see it, and the sequence does not move again for it.
-- Without a later event the queue then looked idle and the event waited for the idle back-off
-- (twice the last gap) instead of the lag cap.  The ticker asks this only for a queue whose
-- newest tick counted events and none since, once it is past its lag cap, and only of the
-- tables a batch from that tick reads (pgq._batch_tables).  Such an event's transaction was
-- running when the snapshot was taken (in its xip list) or had no transaction id yet (at or
-- past its xmax): the ev_txid index is probed for those only, as the batch query does
-- (reference §1.2), never for all events since xmin, which a long transaction elsewhere can
-- make many.
create or replace function pgq._late_events(i_tables text[], i_snapshot txid_snapshot)
returns boolean
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_table text;
    v_late  boolean;
begin
    -- two probes of the index, each stopping at the first row (one bitmap OR of both costs
    -- three times as much)
    foreach v_table in array i_tables loop
        execute format('select exists (select 1 from %1$s where ev_txid >= $1)'
                       ' or exists (select 1 from %1$s where ev_txid = any ($2))',
                       pgq.quote_fqname(v_table))
           into v_late
          using txid_snapshot_xmax(i_snapshot), array(select txid_snapshot_xip(i_snapshot));
        if v_late then
            return true;
        end if;
    end loop;
    return false;
end;
$$;

-- pgq.ticker(queue): internal ticker for one queue.  Inserts a tick (the current snapshot)
-- when enough happened since the newest tick (reference §3.5) and returns its id, or NULL.
-- pgq-java: a queue with new events waits at most the session setting pgq.ticker_max_lag
-- (when set; the pgq-java ticker daemon sets it) even if its own ticker_max_lag is longer
-- (idle queues then start their geometric back-off from that cap as well), a queue whose
-- newest tick counted an event it could not see (pgq._late_events) gets its next tick at the
-- lag cap rather than after the idle back-off, and every tick is announced with
-- NOTIFY pgq_tick, '<queue name>'.
create or replace function pgq.ticker(i_queue_name text)
returns bigint
language plpgsql security definer
set search_path = pg_catalog, pg_temp
-- plans cached while pgq.tick was small must not scan it in full (docs/design/schema.md)
set enable_seqscan = off
set jit = off
as $$
declare
    q           record;
    v_event_seq bigint;
    v_txid      bigint;
    v_last      record;
    v_prev      record;
    v_lag       interval;
    v_new       bigint;
    v_tick_id   bigint;
begin
    select queue_id, queue_tick_seq, queue_event_seq, queue_external_ticker, queue_ticker_paused,
           queue_ticker_max_count, queue_ticker_max_lag, queue_ticker_idle_period,
           queue_data_pfx, queue_ntables, queue_cur_table, queue_switch_step1, queue_switch_step2
      into q
      from pgq.queue
     where queue_name = i_queue_name;
    if not found then
        raise exception 'no such queue';
    end if;
    if q.queue_external_ticker then
        raise exception 'This queue has external tick source.';
    end if;
    if q.queue_ticker_paused then
        raise exception 'Ticker has been paused for this queue';
    end if;

    v_event_seq := pgq.seq_getval(q.queue_event_seq);

    select tick_id, tick_time, tick_event_seq, tick_snapshot,
           txid_snapshot_xmin(tick_snapshot) as xmin, txid_snapshot_xmax(tick_snapshot) as xmax
      into v_last
      from pgq.tick
     where tick_queue = q.queue_id
     order by tick_queue desc, tick_id desc
     limit 1;

    if found then
        v_txid := txid_current();
        if v_last.xmin > v_txid then
            raise exception 'Invalid PgQ state: old xmin=%, old xmax=%, cur txid=%',
                            v_last.xmin, v_last.xmax, v_txid;
        end if;
        v_new := v_event_seq - v_last.tick_event_seq;
        if v_new < 0 then
            raise warning 'Negative new_events?  old=% cur=%', v_last.tick_event_seq, v_event_seq;
        end if;
        if v_last.xmax > v_txid then
            raise warning 'Dubious PgQ state: old xmax=%, cur txid=%', v_last.xmax, v_txid;
        end if;

        v_lag := now() - v_last.tick_time;
        if v_new > 0 then
            if v_new < q.queue_ticker_max_count
               and v_lag < least(q.queue_ticker_max_lag, pgq._ticker_max_lag_cap()) then
                return null;
            end if;
        else
            -- idle queue: back off geometrically up to queue_ticker_idle_period, unless the
            -- newest tick counted events and one of them committed after it
            select t.tick_time, t.tick_event_seq into v_prev
              from pgq.tick t
             where t.tick_queue = q.queue_id
               and t.tick_id < v_last.tick_id
             order by t.tick_queue desc, t.tick_id desc
             limit 1;
            if found then
                if v_lag < least(q.queue_ticker_max_lag, pgq._ticker_max_lag_cap()) / 2 then
                    return null;
                end if;
                if v_lag < 2 * (v_last.tick_time - v_prev.tick_time) and v_lag < q.queue_ticker_idle_period
                   and not (v_last.tick_event_seq > v_prev.tick_event_seq
                            and v_lag >= least(q.queue_ticker_max_lag, pgq._ticker_max_lag_cap())
                            and pgq._late_events(pgq._batch_tables(v_last.xmin, v_txid, q.queue_data_pfx,
                                                                   q.queue_ntables, q.queue_cur_table,
                                                                   q.queue_switch_step1, q.queue_switch_step2),
                                                 v_last.tick_snapshot)) then
                    return null;
                end if;
            end if;
        end if;
    end if;

    v_tick_id := nextval(q.queue_tick_seq::regclass);
    insert into pgq.tick (tick_queue, tick_id, tick_event_seq)
    values (q.queue_id, v_tick_id, v_event_seq);
    perform pg_notify('pgq_tick', i_queue_name);
    return v_tick_id;
end;
$$;

-- The session's cap on ticker_max_lag (setting pgq.ticker_max_lag), or NULL when unset.
create or replace function pgq._ticker_max_lag_cap()
returns interval
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_setting text := nullif(current_setting('pgq.ticker_max_lag', true), '');
begin
    return v_setting::interval;
exception when data_exception then
    raise exception 'invalid value for setting "pgq.ticker_max_lag": %', quote_literal(v_setting)
        using errcode = 'invalid_parameter_value',
              hint = 'Use an interval such as ''20 milliseconds'', or RESET pgq.ticker_max_lag.';
end;
$$;

-- pgq.ticker(): ticks every queue that has neither an external ticker nor a paused one,
-- in name order, in one transaction.  Returns the number of queues that got a tick.
-- pgq-java: also leaves, in the transaction-local setting pgq.ticker_next_due, in how many
-- milliseconds the next queue becomes due by time alone if no event arrives ('' when none
-- is: no queue), so that a ticker can skip passes until then (docs/design/ticker.md).
create or replace function pgq.ticker()
returns bigint
language plpgsql security definer
set search_path = pg_catalog, pg_temp
-- plans cached while pgq.tick was small must not scan it in full (docs/design/schema.md)
set enable_seqscan = off
set jit = off
as $$
declare
    v_cap   interval := pgq._ticker_max_lag_cap();
    v_txid  bigint;
    r       record;
    v_name  text;
    v_count bigint := 0;
begin
    -- One statement reads every queue once (its newest tick: one index probe; its event
    -- sequence: one read; the tick before the newest only for an idle queue past half its
    -- lag cap and short of its idle period, and the tables of at most 4 queues whose newest
    -- tick counted events and whose lag cap is past) and decides, as pgq.ticker(name) does, which
    -- queues need a tick now, and when the next of the others will by time alone.  No loop
    -- runs over idle queues.
    with s as materialized (
        select q.queue_id, q.queue_name, q.queue_ticker_max_count as max_count,
               q.queue_data_pfx as data_pfx, q.queue_ntables as ntables, q.queue_cur_table as cur_table,
               q.queue_switch_step1 as switch_step1, q.queue_switch_step2 as switch_step2,
               least(q.queue_ticker_max_lag, v_cap) as max_lag, q.queue_ticker_idle_period as idle,
               last.tick_id, last.tick_time, last.tick_snapshot, last.tick_event_seq,
               coalesce(pg_sequence_last_value(q.queue_event_seq::regclass), 1) as event_seq,
               now() - last.tick_time as lag
          from pgq.queue q
          left join lateral (
                select t.tick_id, t.tick_time, t.tick_event_seq, t.tick_snapshot
                  from pgq.tick t
                 where t.tick_queue = q.queue_id
                 order by t.tick_queue desc, t.tick_id desc
                 limit 1) last on true
         where not q.queue_external_ticker
           and not q.queue_ticker_paused
    ), n as (
        select s.*, s.event_seq - s.tick_event_seq as new_events from s
    ), e as materialized (
        -- the decision from ticks and sequences; the tick before the newest is read only for an
        -- idle queue past half its lag cap and short of its idle period (a gating condition)
        select s.*,
               case
                   when s.tick_id is null or s.new_events < 0 or s.new_events >= s.max_count then interval '0'
                   when s.new_events > 0 then s.max_lag - s.lag
                   when s.lag < s.max_lag / 2 or s.lag >= s.idle then s.max_lag / 2 - s.lag
                   -- idle, past half the lag cap: due at twice the last gap (no gap: now); if the
                   -- newest tick counted events, looked at again at the lag cap
                   when p.tick_time is null then interval '0' - s.lag
                   when s.tick_event_seq > p.tick_event_seq and s.lag < s.max_lag
                       then least(s.idle, s.max_lag, 2 * (s.tick_time - p.tick_time)) - s.lag
                   else least(s.idle, 2 * (s.tick_time - p.tick_time)) - s.lag
               end as due_in,
               -- past the lag cap after a tick that counted events: one of them may have
               -- committed after it (pgq._late_events)
               coalesce(s.new_events = 0 and s.tick_event_seq > p.tick_event_seq and s.lag >= s.max_lag
                        and s.lag < 2 * (s.tick_time - p.tick_time), false) as late_candidate,
               -- backing off with nothing counted since the tick before: may be ticked a little
               -- early by a pass that runs anyway (see d)
               coalesce(s.new_events = 0 and s.tick_event_seq = p.tick_event_seq, false) as idle_backoff
          from n s
          left join lateral (
                select t.tick_time, t.tick_event_seq
                  from pgq.tick t
                 where s.new_events = 0 and s.lag >= s.max_lag / 2 and s.lag < s.idle
                   and t.tick_queue = s.queue_id
                   and t.tick_id < s.tick_id
                 order by t.tick_queue desc, t.tick_id desc
                 limit 1) p on true
    ), probe as materialized (
        -- the tables of at most 4 candidates per pass are probed, those that passed their lag
        -- cap last first (a late event's transaction usually commits within milliseconds of
        -- the tick): a pass costs at most 4 probes however many queues recently had events;
        -- materialized, so that each probe runs once
        select c.queue_id,
               pgq._late_events(pgq._batch_tables(txid_snapshot_xmin(c.tick_snapshot),
                                                  txid_snapshot_xmax(txid_current_snapshot()), c.data_pfx,
                                                  c.ntables, c.cur_table, c.switch_step1, c.switch_step2),
                                c.tick_snapshot) as late
          from (select e.queue_id, e.tick_snapshot, e.data_pfx, e.ntables, e.cur_table,
                       e.switch_step1, e.switch_step2
                  from e
                 where e.late_candidate
                 order by e.lag
                 limit 4) c
    ), d0 as (
        select e.*, case when p.late then interval '0' else e.due_in end as due_in_late
          from e
          left join probe p on p.queue_id = e.queue_id
    ), d as (
        -- ticked now: the due queues, and the idle ones that have waited two thirds of their
        -- back-off (due within half their lag): idle queues whose ticks fell apart (created at
        -- different times) come together again in the passes that run anyway, instead of each
        -- needing a pass of its own over every queue
        select d0.*,
               d0.due_in_late <= interval '0' or (d0.idle_backoff and d0.due_in_late <= d0.lag / 2) as tick_now
          from d0
    )
    select array_agg(d.queue_id order by d.queue_name) filter (where d.tick_now) as ids,
           array_agg(d.queue_name order by d.queue_name) filter (where d.tick_now) as names,
           array_agg(d.event_seq order by d.queue_name) filter (where d.tick_now) as seqs,
           bool_or(d.tick_id is null or d.new_events < 0) filter (where d.tick_now) as odd,
           max(txid_snapshot_xmax(d.tick_snapshot)) filter (where d.tick_now) as last_xmax,
           -- a queue ticked now is due again, if no event arrives (one that does is a change,
           -- which makes the ticker run a pass anyway): after an idle tick at twice the new gap
           -- (the lag now), at least half its lag cap and at most its idle period; after a tick
           -- with events at its lag cap (for an event that tick could not see); after a first
           -- tick or a sequence gone back at half its lag cap
           least(min(d.due_in_late) filter (where not d.tick_now),
                 min(case
                         when d.tick_id is null or d.new_events < 0 then d.max_lag / 2
                         when d.new_events > 0 then d.max_lag
                         else least(d.idle, greatest(d.max_lag / 2, 2 * d.lag))
                     end) filter (where d.tick_now)) as next_due
      into r
      from d;

    if r.ids is not null then
        v_txid := txid_current();
        if r.odd or r.last_xmax > v_txid then
            -- a first tick, a sequence gone back or a dubious newest tick: each queue's own
            -- pgq.ticker(name) decides, warns or refuses as the reference does
            foreach v_name in array r.names loop
                if pgq.ticker(v_name) is not null then
                    v_count := v_count + 1;
                end if;
            end loop;
        else
            -- the usual case: one statement inserts every due queue's tick and announces it
            -- (what pgq.ticker(name) does for each: a tick id from the queue's tick sequence,
            -- the event sequence read above, the current snapshot)
            with due as (
                select u.queue_id, u.queue_name, u.event_seq, u.ord
                  from unnest(r.ids, r.names, r.seqs) with ordinality as u(queue_id, queue_name, event_seq, ord)
            ), ins as (
                insert into pgq.tick (tick_queue, tick_id, tick_event_seq)
                select due.queue_id, nextval(q.queue_tick_seq::regclass), due.event_seq
                  from due
                  join pgq.queue q on q.queue_id = due.queue_id
                 order by due.ord
                returning tick_queue
            )
            select count(pg_notify('pgq_tick', due.queue_name))
              into v_count
              from (select due.queue_name from due join ins on ins.tick_queue = due.queue_id order by due.ord) due;
        end if;
    end if;
    perform set_config('pgq.ticker_next_due',
                       case when r.next_due is not null
                            then ceil(extract(epoch from greatest(r.next_due, interval '0')) * 1000)::bigint::text
                            else ''
                       end,
                       true);
    return v_count;
end;
$$;

-- pgq.ticker(queue, tick_id, time, event_seq): external tick source (cascading).
-- Only for queues with queue_external_ticker and not paused.  pgq-java refuses a tick id
-- or time that is not greater than the newest tick's (ticks must stay monotone).
create or replace function pgq.ticker(i_queue_name text, i_tick_id bigint, i_orig_timestamp timestamptz, i_event_seq bigint)
returns bigint
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    q       record;
    v_last  record;
begin
    select queue_id, queue_tick_seq, queue_event_seq into q
      from pgq.queue
     where queue_name = i_queue_name
       and queue_external_ticker
       and not queue_ticker_paused;
    if not found then
        raise exception 'queue not found or ticker disabled: %', i_queue_name;
    end if;

    select tick_id, tick_time into v_last
      from pgq.tick
     where tick_queue = q.queue_id
     order by tick_queue desc, tick_id desc
     limit 1;
    if found then
        if i_tick_id <= v_last.tick_id then
            raise exception 'external tick for queue %: tick id % is not greater than the newest tick id %',
                            i_queue_name, i_tick_id, v_last.tick_id
                using errcode = 'invalid_parameter_value';
        end if;
        if i_orig_timestamp <= v_last.tick_time then
            raise exception 'external tick for queue %: tick time % is not later than the newest tick time % (tick %)',
                            i_queue_name, i_orig_timestamp, v_last.tick_time, v_last.tick_id
                using errcode = 'invalid_parameter_value';
        end if;
    end if;

    insert into pgq.tick (tick_queue, tick_id, tick_time, tick_event_seq)
    values (q.queue_id, i_tick_id, i_orig_timestamp, i_event_seq);

    perform pgq.seq_setval(q.queue_tick_seq, i_tick_id);
    perform pgq.seq_setval(q.queue_event_seq, i_event_seq);
    return i_tick_id;
end;
$$;
