-- pgq_topic.finish_and_next_batch_events(topic, group, member, partition, epoch, batch_id, limit):
-- finishes a batch of a partition as pgq_topic.finish_batch does (same fencing check; SQLSTATE
-- 22023 for a batch that is not the group's open one) and, in the same UPDATE of the
-- subscription (pgq._next_batch_read), opens the group's next batch on the partition and
-- returns it with its first events, as pgq_topic.next_batch_events does (same rows; no row
-- when there is no further tick yet). A member that finishes a small batch when
-- the partition's next tick arrives (docs/design/topics.md) needs this one statement per batch
-- instead of two. Unless its transaction wrote before the call, that transaction commits
-- asynchronously (synchronous_commit off until its end), like next_batch_events: a crash that
-- loses the finish hands the batch out again from its saved progress, in order, which
-- at-least-once delivery allows; an exactly-once handler's transaction commits synchronously
-- after it and so flushes the write-ahead log past it. In a transaction that already wrote,
-- the caller's durability is left as it is.
-- Runs with the caller's rights (needs pgq_reader).
create or replace function pgq_topic.finish_and_next_batch_events(
    i_topic text, i_group text, i_member text, i_partition int4, i_epoch int8, i_batch_id int8, i_limit int4,
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
    perform pgq_topic._fence_finish(i_topic, i_group, i_member, i_partition, i_epoch);
    select f.batch_id, f.event_ids, f.newest, f.tables, f.prev_snapshot, f.cur_snapshot, f.subscription_id
      into b
      from pgq._next_batch_read(pgq_topic.partition_queue(i_topic, i_partition), i_group, i_batch_id) f;
    return query select * from pgq._batch_first_chunk(b.batch_id, b.event_ids, b.newest, b.tables, b.prev_snapshot,
                                                      b.cur_snapshot, b.subscription_id, 0, i_limit);
end;
$$;
