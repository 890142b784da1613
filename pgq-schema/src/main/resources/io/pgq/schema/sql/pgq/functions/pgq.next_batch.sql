-- pgq.next_batch_custom(queue, consumer, min_lag, min_count, min_interval): opens the next
-- batch for the consumer, or returns the open one (idempotent until finish_batch).
-- All seven columns are NULL when there is nothing to do.
--   min_lag      only take an end tick at least this old;
--   min_count    batch should span at least this many events (event-seq estimate);
--   min_interval batch should span at least this much time (OR-ed with min_count).
-- (pgq._open_batch opens it.)
create or replace function pgq.next_batch_custom(
    in i_queue_name text, in i_consumer_name text,
    in i_min_lag interval, in i_min_count int4, in i_min_interval interval,
    out batch_id int8,
    out cur_tick_id int8, out prev_tick_id int8,
    out cur_tick_time timestamptz, out prev_tick_time timestamptz,
    out cur_tick_event_seq int8, out prev_tick_event_seq int8)
returns record
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    select f.batch_id, f.cur_tick_id, f.prev_tick_id, f.cur_tick_time, f.prev_tick_time,
           f.cur_tick_event_seq, f.prev_tick_event_seq
      into batch_id, cur_tick_id, prev_tick_id, cur_tick_time, prev_tick_time,
           cur_tick_event_seq, prev_tick_event_seq
      from pgq._open_batch(i_queue_name, i_consumer_name, i_min_lag, i_min_count, i_min_interval, null) f;
end;
$$;

-- pgq.next_batch_info(queue, consumer): next_batch_custom without thresholds.
create or replace function pgq.next_batch_info(
    in i_queue_name text, in i_consumer_name text,
    out batch_id int8,
    out cur_tick_id int8, out prev_tick_id int8,
    out cur_tick_time timestamptz, out prev_tick_time timestamptz,
    out cur_tick_event_seq int8, out prev_tick_event_seq int8)
returns record
language plpgsql
as $$
begin
    select f.batch_id, f.cur_tick_id, f.prev_tick_id, f.cur_tick_time, f.prev_tick_time,
           f.cur_tick_event_seq, f.prev_tick_event_seq
      into batch_id, cur_tick_id, prev_tick_id, cur_tick_time, prev_tick_time,
           cur_tick_event_seq, prev_tick_event_seq
      from pgq.next_batch_custom(i_queue_name, i_consumer_name, null, null, null) f;
end;
$$;

-- pgq.next_batch(queue, consumer): id of the next (or open) batch, NULL when nothing to do.
create or replace function pgq.next_batch(i_queue_name text, i_consumer_name text)
returns int8
language plpgsql
as $$
declare
    v_batch_id  int8;
begin
    select f.batch_id into v_batch_id
      from pgq.next_batch_custom(i_queue_name, i_consumer_name, null, null, null) f;
    return v_batch_id;
end;
$$;
