-- pgq.batch_event_tables(batch): the data tables a batch must read (reference §1.2):
-- only the previous table when the batch ended before the last rotation (step1), only the
-- current one when it started after the rotation became visible (step2), else both
-- (pgq._batch_tables). The batch's two ticks are probed by their full key: a join on
-- tick_queue alone would read every tick the queue keeps (docs/design/schema.md).
create or replace function pgq.batch_event_tables(x_batch_id bigint)
returns setof text
language plpgsql
-- plans cached while pgq.tick was small must not scan it in full (docs/design/schema.md)
set enable_seqscan = off
set jit = off
as $$
declare
    b           record;
begin
    select (select txid_snapshot_xmin(t.tick_snapshot) from pgq.tick t
             where t.tick_queue = sub.sub_queue and t.tick_id = sub.sub_last_tick) as tx_min,
           (select txid_snapshot_xmax(t.tick_snapshot) from pgq.tick t
             where t.tick_queue = sub.sub_queue and t.tick_id = sub.sub_next_tick) as tx_max,
           qu.queue_data_pfx, qu.queue_ntables, qu.queue_cur_table,
           qu.queue_switch_step1, qu.queue_switch_step2
      into b
      from pgq.subscription sub
      join pgq.queue qu on qu.queue_id = sub.sub_queue
     where sub.sub_batch = x_batch_id;
    if not found or b.tx_min is null or b.tx_max is null then
        raise exception 'Cannot find data for batch %', x_batch_id;
    end if;
    return query
        select unnest(pgq._batch_tables(b.tx_min, b.tx_max, b.queue_data_pfx, b.queue_ntables, b.queue_cur_table,
                                        b.queue_switch_step1, b.queue_switch_step2));
end;
$$;
