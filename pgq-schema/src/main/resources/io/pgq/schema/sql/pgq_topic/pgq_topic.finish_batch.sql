-- pgq_topic.finish_batch(topic, group, member, partition, epoch, batch_id): finishes a batch
-- of a partition under the fencing check (pgq_topic._fence_finish, SQLSTATE PGQ01 when the
-- member lost the partition, which also clears the batch's progress): the group's position
-- moves past the batch (what pgq.finish_batch does, in the same update that checks the batch
-- is the group's on that partition), in the caller's transaction. Returns 1.
create or replace function pgq_topic.finish_batch(
    i_topic text, i_group text, i_member text, i_partition int4, i_epoch int8, i_batch_id int8)
returns int4
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform pgq_topic._fence_finish(i_topic, i_group, i_member, i_partition, i_epoch);
    update pgq.subscription s
       set sub_active = now(),
           sub_last_tick = s.sub_next_tick,
           sub_next_tick = null,
           sub_batch = null
      from pgq.queue q, pgq.consumer c
     where s.sub_batch = i_batch_id
       and q.queue_id = s.sub_queue
       and q.queue_name = pgq_topic.partition_queue(i_topic, i_partition)
       and c.co_id = s.sub_consumer
       and c.co_name = i_group;
    if not found then
        raise exception 'batch % is not an open batch of group "%" on partition % of topic "%"',
            i_batch_id, i_group, i_partition, i_topic
            using errcode = '22023';
    end if;
    return 1;
end;
$$;
