-- pgq._open_batch(queue, consumer, min_lag, min_count, min_interval, finish_batch_id): the one
-- implementation of opening a batch (pgq-java): what next_batch_custom returns, and also what
-- reading the batch needs, from the rows it has just read: the subscription's queue and id,
-- both ticks' snapshots and the queue's rotation state (for pgq._batch_tables and
-- pgq._batch_event_sql), and whether the batch ends at the queue's newest tick (when the tick
-- lookup tells it: a batch just opened without min_count or min_interval; NULL otherwise). Opens the
-- consumer's next batch, or returns the open one (idempotent until finish_batch); all NULL when
-- there is nothing to do.
--   min_lag         only take an end tick at least this old;
--   min_count       batch should span at least this many events (event-seq estimate);
--   min_interval    batch should span at least this much time (OR-ed with min_count);
--   finish_batch_id first finish this batch, the consumer's open one (SQLSTATE 22023 if it is
--                   not), as pgq.finish_batch does, in the same UPDATE that opens the next
--                   batch; all NULL (the batch finished) when there is no further tick yet.
create or replace function pgq._open_batch(
    in i_queue_name text, in i_consumer_name text,
    in i_min_lag interval, in i_min_count int4, in i_min_interval interval,
    in i_finish_batch_id int8,
    out batch_id int8,
    out cur_tick_id int8, out prev_tick_id int8,
    out cur_tick_time timestamptz, out prev_tick_time timestamptz,
    out cur_tick_event_seq int8, out prev_tick_event_seq int8,
    out queue_id int4, out subscription_id int4, out prev_snapshot txid_snapshot, out cur_snapshot txid_snapshot,
    out data_pfx text, out ntables int4, out cur_table int4, out switch_step1 int8, out switch_step2 int8,
    out newest boolean)
returns record
language plpgsql security definer
set search_path = pg_catalog, pg_temp
-- plans cached while pgq.tick was small must not scan it in full (docs/design/schema.md)
set enable_seqscan = off
set jit = off
as $$
declare
    s       record;
    v_next  record;
    v_end   int8;
begin
    select sub.sub_queue, sub.sub_consumer, sub.sub_id, sub.sub_batch,
           sub.sub_last_tick, sub.sub_next_tick,
           prev.tick_id as prev_id, prev.tick_time as prev_time, prev.tick_event_seq as prev_seq,
           prev.tick_snapshot as prev_snap,
           cur.tick_time as cur_time, cur.tick_event_seq as cur_seq, cur.tick_snapshot as cur_snap,
           qu.queue_data_pfx, qu.queue_ntables, qu.queue_cur_table, qu.queue_switch_step1, qu.queue_switch_step2
      into s
      from pgq.queue qu
      join pgq.subscription sub on (sub.sub_queue = qu.queue_id)
      join pgq.consumer co on (co.co_id = sub.sub_consumer)
      left join pgq.tick prev on (prev.tick_queue = sub.sub_queue and prev.tick_id = sub.sub_last_tick)
      left join pgq.tick cur on (cur.tick_queue = sub.sub_queue and cur.tick_id = sub.sub_next_tick)
     where qu.queue_name = i_queue_name
       and co.co_name = i_consumer_name;
    if not found then
        raise exception 'Not subscriber to queue: %/%', i_queue_name, i_consumer_name;
    end if;
    if s.prev_id is null then
        raise exception 'PgQ corruption: Consumer % on queue % does not see tick %',
                        i_consumer_name, i_queue_name, s.sub_last_tick;
    end if;
    if i_finish_batch_id is not null then
        if s.sub_batch is distinct from i_finish_batch_id then
            raise exception 'batch % is not the open batch of consumer "%" on queue "%"',
                i_finish_batch_id, i_consumer_name, i_queue_name
                using errcode = '22023';
        end if;
        if s.cur_snap is null then
            raise exception 'PgQ corruption: Consumer % on queue % does not see tick %',
                            i_consumer_name, i_queue_name, s.sub_next_tick;
        end if;
        -- the batch's end tick starts the next one
        s.sub_batch := null;
        s.sub_last_tick := s.sub_next_tick;
        s.prev_time := s.cur_time;
        s.prev_seq := s.cur_seq;
        s.prev_snap := s.cur_snap;
    end if;

    if s.sub_batch is not null then
        -- a batch is already open: return it again
        batch_id := s.sub_batch;
        cur_tick_id := s.sub_next_tick;
        cur_tick_time := s.cur_time;
        cur_tick_event_seq := s.cur_seq;
        cur_snapshot := s.cur_snap;
    else
        -- choose the end tick
        if i_min_count is null and i_min_interval is null then
            -- the next tick, and whether there is one after it (newest)
            select t.tick_id, t.tick_time, t.tick_event_seq, t.tick_snapshot, t.later is null as newest
              into v_next
              from (select t.tick_id, t.tick_time, t.tick_event_seq, t.tick_snapshot,
                           lead(t.tick_id) over (order by t.tick_id) as later
                      from pgq.tick t
                     where t.tick_queue = s.sub_queue
                       and t.tick_id > s.sub_last_tick
                     order by t.tick_queue asc, t.tick_id asc
                     limit 2) t
             order by t.tick_id
             limit 1;
        else
            select h.next_tick_id as tick_id, h.next_tick_time as tick_time, h.next_tick_seq as tick_event_seq,
                   (select t.tick_snapshot from pgq.tick t
                     where t.tick_queue = s.sub_queue and t.tick_id = h.next_tick_id) as tick_snapshot,
                   null::boolean as newest
              into v_next
              from pgq.find_tick_helper(s.sub_queue, s.sub_last_tick, s.prev_time, s.prev_seq,
                                        i_min_count, i_min_interval) h;
        end if;
        if v_next.tick_id is null
           or (i_min_lag is not null and now() - v_next.tick_time < i_min_lag) then
            if i_finish_batch_id is null then
                return;   -- nothing to do: every column NULL
            end if;
        else
            v_end := v_next.tick_id;
            batch_id := nextval('pgq.batch_id_seq'::regclass);
        end if;
        -- one UPDATE finishes (the start tick moves to the finished batch's end tick, set in s
        -- above) and opens. When only opening, the extra conditions make a concurrent caller
        -- for the same consumer (which waited for our row lock) re-read the subscription
        -- instead of opening a second batch
        update pgq.subscription
           set sub_batch = batch_id,
               sub_last_tick = s.sub_last_tick,
               sub_next_tick = v_end,
               sub_active = now()
         where sub_queue = s.sub_queue
           and sub_consumer = s.sub_consumer
           and sub_batch is not distinct from i_finish_batch_id
           and (i_finish_batch_id is not null or sub_last_tick = s.sub_last_tick);
        if not found then
            if i_finish_batch_id is not null then
                -- a concurrent caller finished it first (it held the row lock we waited for)
                raise exception 'batch % is not the open batch of consumer "%" on queue "%"',
                    i_finish_batch_id, i_consumer_name, i_queue_name
                    using errcode = '22023';
            end if;
            select * into batch_id, cur_tick_id, prev_tick_id, cur_tick_time, prev_tick_time,
                          cur_tick_event_seq, prev_tick_event_seq, queue_id, subscription_id, prev_snapshot,
                          cur_snapshot, data_pfx, ntables, cur_table, switch_step1, switch_step2, newest
              from pgq._open_batch(i_queue_name, i_consumer_name, i_min_lag, i_min_count, i_min_interval, null);
            return;
        end if;
        if batch_id is null then
            return;   -- finished, and no further tick yet: every column NULL
        end if;
        cur_tick_id := v_next.tick_id;
        cur_tick_time := v_next.tick_time;
        cur_tick_event_seq := v_next.tick_event_seq;
        cur_snapshot := v_next.tick_snapshot;
        newest := v_next.newest;
    end if;

    prev_tick_id := s.sub_last_tick;
    prev_tick_time := s.prev_time;
    prev_tick_event_seq := s.prev_seq;
    queue_id := s.sub_queue;
    subscription_id := s.sub_id;
    prev_snapshot := s.prev_snap;
    data_pfx := s.queue_data_pfx;
    ntables := s.queue_ntables;
    cur_table := s.queue_cur_table;
    switch_step1 := s.queue_switch_step1;
    switch_step2 := s.queue_switch_step2;
end;
$$;
