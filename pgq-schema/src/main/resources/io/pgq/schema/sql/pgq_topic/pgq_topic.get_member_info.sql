-- pgq_topic.get_member_info(topic, group): the group's members, ordered by id, with their last
-- heartbeat, expiry and session timeout, the partitions each owns and those assigned to it.
-- A member past its expiry is listed until the next heartbeat of its group removes it.
create or replace function pgq_topic.get_member_info(
    in i_topic text, in i_group text,
    out member_id text, out joined_at timestamptz, out heartbeat_at timestamptz,
    out expires_at timestamptz, out session_timeout interval, out owned int4[], out assigned int4[])
returns setof record
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select m.member_id, m.joined_at, m.heartbeat_at, m.expires_at, m.session_timeout,
           coalesce((select array_agg(l.partition_no order by l.partition_no) from pgq_topic.lease l
                      where l.topic_name = m.topic_name and l.group_name = m.group_name
                        and l.owner = m.member_id), '{}'),
           coalesce((select array_agg(l.partition_no order by l.partition_no) from pgq_topic.lease l
                      where l.topic_name = m.topic_name and l.group_name = m.group_name
                        and l.target = m.member_id), '{}')
      from pgq_topic.member m
     where m.topic_name = i_topic and m.group_name = i_group
     order by m.member_id;
$$;
