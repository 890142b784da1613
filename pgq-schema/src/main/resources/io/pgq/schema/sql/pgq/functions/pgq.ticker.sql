-- pgq.ticker(queue): internal ticker for one queue.  Inserts a tick (the current snapshot)
-- when enough happened since the newest tick (reference §3.5) and returns its id, or NULL.
-- pgq-java: a queue with new events waits at most the session setting pgq.ticker_max_lag
-- (when set; the pgq-java ticker daemon sets it) even if its own ticker_max_lag is longer
-- (idle queues then start their geometric back-off from that cap as well), and every tick
-- is announced with NOTIFY pgq_tick, '<queue name>'.
create or replace function pgq.ticker(i_queue_name text)
returns bigint
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    q           record;
    v_event_seq bigint;
    v_txid      bigint;
    v_last      record;
    v_gap       interval;
    v_lag       interval;
    v_new       bigint;
    v_tick_id   bigint;
begin
    select queue_id, queue_tick_seq, queue_event_seq, queue_external_ticker, queue_ticker_paused,
           queue_ticker_max_count, queue_ticker_max_lag, queue_ticker_idle_period
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

    select tick_id, tick_time, tick_event_seq,
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
            -- idle queue: back off geometrically up to queue_ticker_idle_period
            select v_last.tick_time - t.tick_time into v_gap
              from pgq.tick t
             where t.tick_queue = q.queue_id
               and t.tick_id < v_last.tick_id
             order by t.tick_queue desc, t.tick_id desc
             limit 1;
            if found then
                if v_lag < least(q.queue_ticker_max_lag, pgq._ticker_max_lag_cap()) / 2 then
                    return null;
                end if;
                if v_lag < 2 * v_gap and v_lag < q.queue_ticker_idle_period then
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
create or replace function pgq.ticker()
returns bigint
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    r       record;
    v_count bigint := 0;
    v_cap   interval := pgq._ticker_max_lag_cap();
begin
    -- One statement finds the queues that may need a tick (a superset of what
    -- pgq.ticker(name) decides: two index probes of pgq.tick and one sequence read per
    -- queue); only those get the full per-queue check.  Keeps a pass over many idle queues
    -- cheap enough to run every few milliseconds.
    for r in
        select q.queue_name
          from pgq.queue q
          left join lateral (
                select t.tick_id, t.tick_time, t.tick_event_seq
                  from pgq.tick t
                 where t.tick_queue = q.queue_id
                 order by t.tick_queue desc, t.tick_id desc
                 limit 1) last on true
          left join lateral (
                select t.tick_time
                  from pgq.tick t
                 where t.tick_queue = q.queue_id
                   and t.tick_id < last.tick_id
                 order by t.tick_queue desc, t.tick_id desc
                 limit 1) prev on true
         cross join lateral (
                select coalesce(pg_sequence_last_value(q.queue_event_seq::regclass), 1) - last.tick_event_seq as new_events,
                       now() - last.tick_time as lag) s
         where not q.queue_external_ticker
           and not q.queue_ticker_paused
           and (last.tick_id is null
                or s.new_events < 0
                or (s.new_events > 0
                    and (s.new_events >= q.queue_ticker_max_count
                         or s.lag >= least(q.queue_ticker_max_lag, v_cap)))
                or (s.new_events = 0
                    and s.lag >= least(q.queue_ticker_max_lag, v_cap) / 2
                    and (prev.tick_time is null
                         or s.lag >= 2 * (last.tick_time - prev.tick_time)
                         or s.lag >= q.queue_ticker_idle_period)))
         order by q.queue_name
    loop
        if pgq.ticker(r.queue_name) is not null then
            v_count := v_count + 1;
        end if;
    end loop;
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
