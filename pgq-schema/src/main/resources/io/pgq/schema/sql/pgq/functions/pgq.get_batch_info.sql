-- pgq.get_batch_info(batch): queue, consumer, start/end tick times, ids and event seqs of
-- an open batch; lag = time since the end tick.  All NULL for an unknown batch.
create or replace function pgq.get_batch_info(
    in x_batch_id bigint,
    out queue_name text, out consumer_name text,
    out batch_start timestamptz, out batch_end timestamptz,
    out prev_tick_id bigint, out tick_id bigint, out lag interval,
    out seq_start bigint, out seq_end bigint)
returns record
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    select qu.queue_name, co.co_name, prev.tick_time, cur.tick_time,
           sub.sub_last_tick, sub.sub_next_tick, now() - cur.tick_time,
           prev.tick_event_seq, cur.tick_event_seq
      into queue_name, consumer_name, batch_start, batch_end,
           prev_tick_id, tick_id, lag, seq_start, seq_end
      from pgq.subscription sub
      join pgq.queue qu on (qu.queue_id = sub.sub_queue)
      join pgq.consumer co on (co.co_id = sub.sub_consumer)
      join pgq.tick prev on (prev.tick_queue = sub.sub_queue and prev.tick_id = sub.sub_last_tick)
      join pgq.tick cur on (cur.tick_queue = sub.sub_queue and cur.tick_id = sub.sub_next_tick)
     where sub.sub_batch = x_batch_id;
end;
$$;
