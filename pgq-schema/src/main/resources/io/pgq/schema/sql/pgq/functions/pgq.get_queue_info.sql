-- pgq.get_queue_info([queue]): configuration and ticker state of one queue (NULL: all,
-- ordered by name).  ev_per_sec is measured over the newest 20 ticks; ev_new counts event
-- ids taken since the newest tick.
create or replace function pgq.get_queue_info(
    in i_queue_name text,
    out queue_name text, out queue_ntables integer, out queue_cur_table integer,
    out queue_rotation_period interval, out queue_switch_time timestamptz,
    out queue_external_ticker boolean, out queue_ticker_paused boolean,
    out queue_ticker_max_count integer, out queue_ticker_max_lag interval,
    out queue_ticker_idle_period interval, out ticker_lag interval,
    out ev_per_sec float8, out ev_new bigint, out last_tick_id bigint)
returns setof record
language plpgsql
as $$
declare
    q       record;
    v_last  record;
    v_ref   record;
begin
    for q in
        select qu.queue_id, qu.queue_name, qu.queue_ntables, qu.queue_cur_table,
               qu.queue_rotation_period, qu.queue_switch_time, qu.queue_external_ticker,
               qu.queue_ticker_paused, qu.queue_ticker_max_count, qu.queue_ticker_max_lag,
               qu.queue_ticker_idle_period, qu.queue_event_seq
          from pgq.queue qu
         where i_queue_name is null or qu.queue_name = i_queue_name
         order by qu.queue_name
    loop
        queue_name := q.queue_name;
        queue_ntables := q.queue_ntables;
        queue_cur_table := q.queue_cur_table;
        queue_rotation_period := q.queue_rotation_period;
        queue_switch_time := q.queue_switch_time;
        queue_external_ticker := q.queue_external_ticker;
        queue_ticker_paused := q.queue_ticker_paused;
        queue_ticker_max_count := q.queue_ticker_max_count;
        queue_ticker_max_lag := q.queue_ticker_max_lag;
        queue_ticker_idle_period := q.queue_ticker_idle_period;

        select t.tick_id, t.tick_time, t.tick_event_seq into v_last
          from pgq.tick t
         where t.tick_queue = q.queue_id
         order by t.tick_queue desc, t.tick_id desc
         limit 1;
        select t.tick_time, t.tick_event_seq into v_ref
          from pgq.tick t
         where t.tick_queue = q.queue_id
           and t.tick_id >= v_last.tick_id - 20
         order by t.tick_queue asc, t.tick_id asc
         limit 1;

        last_tick_id := v_last.tick_id;
        ticker_lag := pg_catalog.now() - v_last.tick_time;
        if v_last.tick_time > v_ref.tick_time then
            ev_per_sec := (v_last.tick_event_seq - v_ref.tick_event_seq)::float8
                          / extract(epoch from v_last.tick_time - v_ref.tick_time)::float8;
        else
            ev_per_sec := null;
        end if;
        ev_new := pgq.seq_getval(q.queue_event_seq) - v_last.tick_event_seq;
        return next;
    end loop;
    return;
end;
$$;

-- pgq.get_queue_info(): all queues.
create or replace function pgq.get_queue_info(
    out queue_name text, out queue_ntables integer, out queue_cur_table integer,
    out queue_rotation_period interval, out queue_switch_time timestamptz,
    out queue_external_ticker boolean, out queue_ticker_paused boolean,
    out queue_ticker_max_count integer, out queue_ticker_max_lag interval,
    out queue_ticker_idle_period interval, out ticker_lag interval,
    out ev_per_sec float8, out ev_new bigint, out last_tick_id bigint)
returns setof record
language plpgsql
as $$
begin
    return query select * from pgq.get_queue_info(null);
end;
$$;
