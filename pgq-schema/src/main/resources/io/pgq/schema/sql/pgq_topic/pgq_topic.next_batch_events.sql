-- pgq_topic.next_batch_events(topic, group, partition, after_ev_id, limit): opens the group's
-- next batch on the partition (the open batch, or the next one: pgq._next_batch_read, which is
-- next_batch_custom and what reading the batch takes in one read of the batch's rows; the
-- events come from pgq._batch_first_chunk) and
-- returns it with its first events, in one statement: a first row that carries only batch_id
-- and first_chunk, then, when first_chunk is true, up to i_limit events of the batch with
-- ev_id > i_after_ev_id in ev_id order (batch_id, first_chunk and caught_up NULL). No row at all when the
-- partition has no further tick yet. A member that gets fewer than i_limit events has the
-- whole batch and needs no read transaction; otherwise it reads the rest through
-- pgq.get_batch_cursor after the last event it got.
-- first_chunk is false, and no event follows, when more than i_limit event ids were taken
-- between the batch's two ticks (its ticks' event sequence values): such a batch is read through
-- pgq.get_batch_cursor from its start, in one scan, instead of being sorted whole here for its
-- first chunk and scanned again for the rest.
-- caught_up (on the batch's row) is true when the batch ends at the partition's newest tick: a
-- member that has handled it is caught up until the next tick.
-- The transaction commits asynchronously (synchronous_commit off): opening a batch needs no
-- flush of its own, since whatever depends on it (progress saved under the fencing check, the
-- batch's finish, an exactly-once handler's transaction) commits synchronously later and so
-- flushes the write-ahead log up to and past it; a crash that loses an open only opens the
-- same ticks again as a new batch. In a transaction that already wrote, the caller's
-- durability is left as it is. Runs with the caller's rights (needs pgq_reader).
create or replace function pgq_topic.next_batch_events(
    i_topic text, i_group text, i_partition int4, i_after_ev_id int8, i_limit int4,
    out ev_id bigint, out ev_time timestamptz, out ev_txid bigint, out ev_retry int4,
    out ev_type text, out ev_data text,
    out ev_extra1 text, out ev_extra2 text, out ev_extra3 text, out ev_extra4 text,
    out batch_id int8, out first_chunk boolean, out caught_up boolean)
returns setof record
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    b       record;
begin
    if i_limit is null or i_limit < 1 then
        raise exception 'limit must be at least 1, got %', i_limit using errcode = '22023';
    end if;
    if txid_current_if_assigned() is null then
        perform set_config('synchronous_commit', 'off', true);
    end if;
    select f.batch_id, f.event_ids, f.newest, f.tables, f.prev_snapshot, f.cur_snapshot, f.subscription_id
      into b
      from pgq._next_batch_read(pgq_topic.partition_queue(i_topic, i_partition), i_group, null) f;
    return query select * from pgq._batch_first_chunk(b.batch_id, b.event_ids, b.newest, b.tables, b.prev_snapshot,
                                                      b.cur_snapshot, b.subscription_id, i_after_ev_id, i_limit);
end;
$$;
