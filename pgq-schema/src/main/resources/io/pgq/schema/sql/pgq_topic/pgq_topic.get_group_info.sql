-- pgq_topic.get_group_info(topic, group): one row per partition: its queue, the member that
-- owns it (owner) and the one it is assigned to (target, differs while handed over), the
-- lease's epoch and expiry, and the group's position there as pgq.get_consumer_info gives it
-- (lag: time since the position's tick; pending_events: an estimate of events after it).
create or replace function pgq_topic.get_group_info(
    in i_topic text, in i_group text,
    out partition_no int4, out queue_name text, out owner text, out target text, out epoch int8,
    out lease_expires_at timestamptz, out last_tick int8, out current_batch int8,
    out lag interval, out last_seen interval, out pending_events int8)
returns setof record
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select l.partition_no, pgq_topic.partition_queue(l.topic_name, l.partition_no), l.owner, l.target,
           l.epoch, l.expires_at, ci.last_tick, ci.current_batch, ci.lag, ci.last_seen, ci.pending_events
      from pgq_topic.lease l
      left join lateral pgq.get_consumer_info(pgq_topic.partition_queue(l.topic_name, l.partition_no),
                                              l.group_name) ci on true
     where l.topic_name = i_topic and l.group_name = i_group
     order by l.partition_no;
$$;
