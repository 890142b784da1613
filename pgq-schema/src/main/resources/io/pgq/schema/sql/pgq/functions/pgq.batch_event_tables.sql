-- pgq.batch_event_tables(batch): the data tables a batch must read (reference §1.2):
-- only the previous table when the batch ended before the last rotation (step1), only the
-- current one when it started after the rotation became visible (step2), else both.
create or replace function pgq.batch_event_tables(x_batch_id bigint)
returns setof text
language plpgsql
-- plans cached while pgq.tick was small must not scan it in full (docs/design/schema.md)
set enable_seqscan = off
set jit = off
as $$
declare
    b           record;
    v_prev      integer;
begin
    select txid_snapshot_xmin(prev.tick_snapshot) as tx_min,
           txid_snapshot_xmax(cur.tick_snapshot) as tx_max,
           qu.queue_data_pfx, qu.queue_ntables, qu.queue_cur_table,
           qu.queue_switch_step1, qu.queue_switch_step2
      into b
      from pgq.subscription sub, pgq.tick prev, pgq.tick cur, pgq.queue qu
     where sub.sub_batch = x_batch_id
       and prev.tick_queue = sub.sub_queue and prev.tick_id = sub.sub_last_tick
       and cur.tick_queue = sub.sub_queue and cur.tick_id = sub.sub_next_tick
       and qu.queue_id = sub.sub_queue;
    if not found then
        raise exception 'Cannot find data for batch %', x_batch_id;
    end if;

    v_prev := b.queue_cur_table - 1;
    if v_prev < 0 then
        v_prev := b.queue_ntables - 1;
    end if;

    if b.tx_max < b.queue_switch_step1 then
        return next b.queue_data_pfx || '_' || v_prev::text;
    elsif b.queue_switch_step2 is not null and b.tx_min > b.queue_switch_step2 then
        return next b.queue_data_pfx || '_' || b.queue_cur_table::text;
    else
        return next b.queue_data_pfx || '_' || v_prev::text;
        return next b.queue_data_pfx || '_' || b.queue_cur_table::text;
    end if;
    return;
end;
$$;
