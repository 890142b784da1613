-- pgq.batch_event_sql(batch): the SELECT returning a batch's events, ordered by ev_id
-- (reference §3.3; built by pgq._batch_event_sql over the tables of pgq._batch_tables).
-- One read of the batch: its subscription, queue and two ticks, each tick probed by its full
-- key (a join on tick_queue alone would read every tick the queue keeps).
create or replace function pgq.batch_event_sql(x_batch_id bigint)
returns text
language plpgsql
-- plans cached while pgq.tick was small must not scan it in full (docs/design/schema.md)
set enable_seqscan = off
set jit = off
as $$
declare
    b           record;
begin
    select sub.sub_id,
           (select t.tick_snapshot from pgq.tick t
             where t.tick_queue = sub.sub_queue and t.tick_id = sub.sub_last_tick) as prev_snap,
           (select t.tick_snapshot from pgq.tick t
             where t.tick_queue = sub.sub_queue and t.tick_id = sub.sub_next_tick) as cur_snap,
           qu.queue_data_pfx, qu.queue_ntables, qu.queue_cur_table,
           qu.queue_switch_step1, qu.queue_switch_step2
      into b
      from pgq.subscription sub
      join pgq.queue qu on qu.queue_id = sub.sub_queue
     where sub.sub_batch = x_batch_id;
    if not found or b.prev_snap is null or b.cur_snap is null then
        raise exception 'batch not found';
    end if;
    return pgq._batch_event_sql(b.sub_id, b.prev_snap, b.cur_snap,
                                pgq._batch_tables(txid_snapshot_xmin(b.prev_snap), txid_snapshot_xmax(b.cur_snap),
                                                  b.queue_data_pfx, b.queue_ntables, b.queue_cur_table,
                                                  b.queue_switch_step1, b.queue_switch_step2))
           || ' order by 1';
end;
$$;
