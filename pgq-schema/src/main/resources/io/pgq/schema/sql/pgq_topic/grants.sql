-- Grants of pgq_topic: reading topics and groups to everyone; producing to pgq_writer;
-- membership, leases and finishing batches to pgq_reader; creating and dropping topics and
-- groups to pgq_admin. The tables are written only by the functions (as their owner).
grant usage on schema pgq_topic to public;

revoke all on table pgq_topic.topic, pgq_topic.grp, pgq_topic.member, pgq_topic.lease
    from public, pgq_reader, pgq_writer, pgq_admin;
grant select on table pgq_topic.topic, pgq_topic.grp, pgq_topic.member, pgq_topic.lease to public;
revoke all on table pgq_topic.group_setting from public, pgq_reader, pgq_writer, pgq_admin;
grant select on table pgq_topic.group_setting to public;

revoke all on function
    pgq_topic.partition_for(text, int4),
    pgq_topic.partition_queue(text, int4),
    pgq_topic.get_topic_info(text),
    pgq_topic.get_topic_info(),
    pgq_topic.get_group_info(text, text),
    pgq_topic.get_member_info(text, text),
    pgq_topic.insert_event(text, text, text, text, text, text, text),
    pgq_topic.insert_event(text, text, text, text),
    pgq_topic.heartbeat(text, text, text, interval),
    pgq_topic.join_group(text, text, text, interval, text, text),
    pgq_topic.release(text, text, text, int4, int8),
    pgq_topic.leave(text, text, text),
    pgq_topic.check_lease(text, text, text, int4, int8),
    pgq_topic.save_progress(text, text, text, int4, int8, int8, int8),
    pgq_topic.next_batch_events(text, text, int4, int8, int4),
    pgq_topic.finish_batch(text, text, text, int4, int8, int8),
    pgq_topic.finish_and_next_batch(text, text, text, int4, int8, int8),
    pgq_topic.finish_and_next_batch_events(text, text, text, int4, int8, int8, int4),
    pgq_topic.create_topic(text, int4),
    pgq_topic.drop_topic(text, boolean),
    pgq_topic.drop_topic(text),
    pgq_topic.drop_group(text, text),
    pgq_topic.reset_group_settings(text, text),
    pgq_topic._check_topic_name(text),
    pgq_topic._queue_guard(),
    pgq_topic._subscription_guard(),
    pgq_topic._lock_group(text, text),
    pgq_topic._assign(text, text, int4),
    pgq_topic._fence_finish(text, text, text, int4, int8)
    from public, pgq_reader, pgq_writer, pgq_admin;

grant execute on function
    pgq_topic.partition_for(text, int4),
    pgq_topic.partition_queue(text, int4),
    pgq_topic.get_topic_info(text),
    pgq_topic.get_topic_info(),
    pgq_topic.get_group_info(text, text),
    pgq_topic.get_member_info(text, text)
    to public;
grant execute on function
    pgq_topic.insert_event(text, text, text, text, text, text, text),
    pgq_topic.insert_event(text, text, text, text)
    to pgq_writer;
grant execute on function
    pgq_topic.heartbeat(text, text, text, interval),
    pgq_topic.join_group(text, text, text, interval, text, text),
    pgq_topic.release(text, text, text, int4, int8),
    pgq_topic.leave(text, text, text),
    pgq_topic.check_lease(text, text, text, int4, int8),
    pgq_topic.save_progress(text, text, text, int4, int8, int8, int8),
    pgq_topic.next_batch_events(text, text, int4, int8, int4),
    pgq_topic.finish_batch(text, text, text, int4, int8, int8),
    pgq_topic.finish_and_next_batch(text, text, text, int4, int8, int8),
    pgq_topic.finish_and_next_batch_events(text, text, text, int4, int8, int8, int4),
    pgq_topic._fence_finish(text, text, text, int4, int8)
    to pgq_reader;
grant execute on function
    pgq_topic.create_topic(text, int4),
    pgq_topic.drop_topic(text, boolean),
    pgq_topic.drop_topic(text),
    pgq_topic.drop_group(text, text),
    pgq_topic.reset_group_settings(text, text)
    to pgq_admin;
