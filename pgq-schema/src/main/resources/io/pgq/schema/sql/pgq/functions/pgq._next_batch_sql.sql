-- pgq._next_batch_sql(queue, consumer): pgq.next_batch_custom(queue, consumer, null, null, null)
-- and pgq.batch_event_sql of its batch in one call (pgq-java): opens the consumer's next
-- batch, or returns the open one, with the number of event ids taken between its two ticks
-- (end tick's event sequence minus the start tick's), the SELECT of its events, unordered, and
-- whether its end tick is the queue's newest (true: the consumer is caught up once it has
-- handled the batch). All NULL when there is no further tick yet. Same errors as next_batch_custom. It reads the
-- subscription, queue and ticks once, where the two calls read them three times; the caller
-- runs the SELECT with its own rights. For pgq_topic.next_batch_events (needs pgq_reader).
create or replace function pgq._next_batch_sql(
    in i_queue_name text, in i_consumer_name text,
    out batch_id int8, out event_ids int8, out event_sql text, out newest boolean)
returns record
language plpgsql security definer
set search_path = pg_catalog, pg_temp
-- plans cached while pgq.tick was small must not scan it in full (docs/design/schema.md)
set enable_seqscan = off
set jit = off
as $$
declare
    s           record;
    v_cur_id    int8;
    v_cur_snap  txid_snapshot;
    v_cur_seq   int8;
begin
    select sub.sub_queue, sub.sub_consumer, sub.sub_id, sub.sub_batch, sub.sub_last_tick, sub.sub_next_tick,
           prev.tick_id as prev_id, prev.tick_snapshot as prev_snap, prev.tick_event_seq as prev_seq,
           qu.queue_data_pfx, qu.queue_ntables, qu.queue_cur_table, qu.queue_switch_step1, qu.queue_switch_step2
      into s
      from pgq.queue qu
      join pgq.subscription sub on (sub.sub_queue = qu.queue_id)
      join pgq.consumer co on (co.co_id = sub.sub_consumer)
      left join pgq.tick prev on (prev.tick_queue = sub.sub_queue and prev.tick_id = sub.sub_last_tick)
     where qu.queue_name = i_queue_name
       and co.co_name = i_consumer_name;
    if not found then
        raise exception 'Not subscriber to queue: %/%', i_queue_name, i_consumer_name;
    end if;
    if s.prev_id is null then
        raise exception 'PgQ corruption: Consumer % on queue % does not see tick %',
                        i_consumer_name, i_queue_name, s.sub_last_tick;
    end if;

    if s.sub_batch is not null then
        -- a batch is already open: return it again
        batch_id := s.sub_batch;
        select t.tick_snapshot, t.tick_event_seq into v_cur_snap, v_cur_seq
          from pgq.tick t
         where t.tick_queue = s.sub_queue and t.tick_id = s.sub_next_tick;
        if not found then
            raise exception 'batch not found';
        end if;
        v_cur_id := s.sub_next_tick;
    else
        select t.tick_id, t.tick_snapshot, t.tick_event_seq into v_cur_id, v_cur_snap, v_cur_seq
          from pgq.tick t
         where t.tick_queue = s.sub_queue
           and t.tick_id > s.sub_last_tick
         order by t.tick_queue asc, t.tick_id asc
         limit 1;
        if v_cur_id is null then
            return;
        end if;
        batch_id := nextval('pgq.batch_id_seq'::regclass);
        -- as in next_batch_custom: a concurrent caller for the same consumer re-reads
        update pgq.subscription
           set sub_batch = batch_id,
               sub_next_tick = v_cur_id,
               sub_active = now()
         where sub_queue = s.sub_queue
           and sub_consumer = s.sub_consumer
           and sub_batch is null
           and sub_last_tick = s.sub_last_tick;
        if not found then
            select * into batch_id, event_ids, event_sql, newest
              from pgq._next_batch_sql(i_queue_name, i_consumer_name);
            return;
        end if;
    end if;

    event_ids := v_cur_seq - s.prev_seq;
    newest := not exists (select 1 from pgq.tick t where t.tick_queue = s.sub_queue and t.tick_id > v_cur_id);
    event_sql := pgq._batch_event_sql(s.sub_id, s.prev_snap, v_cur_snap,
                                      pgq._batch_tables(txid_snapshot_xmin(s.prev_snap), txid_snapshot_xmax(v_cur_snap),
                                                        s.queue_data_pfx, s.queue_ntables, s.queue_cur_table,
                                                        s.queue_switch_step1, s.queue_switch_step2));
end;
$$;
