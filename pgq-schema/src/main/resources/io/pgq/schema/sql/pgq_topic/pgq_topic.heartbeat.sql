-- pgq_topic.heartbeat(topic, group, member, session_timeout): the member's heartbeat and its
-- view of the assignment. Joins the group when the member is new (creating the group on first
-- use), extends the member's expiry to now + session_timeout, removes members whose expiry has
-- passed, recomputes the assignment (pgq_topic._assign), renews the leases the member owns and
-- takes the partitions assigned to it that are free (no owner, or an expired lease), each
-- with epoch + 1. Returns the partitions the member owns now: state 'owned', or 'revoke' when
-- another member is its target (finish the batch in hand, then pgq_topic.release), with the
-- epoch to present when finishing and the progress of the open batch (batch_id, done_ev_id).
create or replace function pgq_topic.heartbeat(
    in i_topic text, in i_group text, in i_member text, in i_session_timeout interval,
    out partition_no int4, out epoch int8, out state text, out batch_id int8, out done_ev_id int8)
returns setof record
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    v_n       int4;
    v_now     timestamptz := clock_timestamp();
    v_expires timestamptz;
    v_changed boolean := false;
begin
    if i_member is null or length(i_member) not between 1 and 200 then
        raise exception 'invalid member id "%": use 1 to 200 characters', coalesce(i_member, '<NULL>')
            using errcode = '22023';
    end if;
    if i_session_timeout is null or i_session_timeout < interval '100 milliseconds'
       or i_session_timeout > interval '1 hour' then
        raise exception 'invalid session timeout % for member "%": it must be between 100 ms and 1 hour',
            coalesce(i_session_timeout::text, 'NULL'), i_member
            using errcode = '22023';
    end if;
    v_n := pgq_topic._lock_group(i_topic, i_group);
    v_expires := v_now + i_session_timeout;
    update pgq_topic.member m
       set heartbeat_at = v_now, expires_at = v_expires, session_timeout = i_session_timeout
     where m.topic_name = i_topic and m.group_name = i_group and m.member_id = i_member;
    if not found then
        insert into pgq_topic.member (topic_name, group_name, member_id, session_timeout, joined_at,
                                      heartbeat_at, expires_at)
        values (i_topic, i_group, i_member, i_session_timeout, v_now, v_now, v_expires);
        v_changed := true;
    end if;
    delete from pgq_topic.member m
     where m.topic_name = i_topic and m.group_name = i_group and m.expires_at < v_now;
    if found then
        v_changed := true;
    end if;
    if v_changed then
        update pgq_topic.grp g set rebalances = g.rebalances + 1
         where g.topic_name = i_topic and g.group_name = i_group;
    end if;
    perform pgq_topic._assign(i_topic, i_group, v_n);
    update pgq_topic.lease l set expires_at = v_expires
     where l.topic_name = i_topic and l.group_name = i_group and l.owner = i_member;
    update pgq_topic.lease l set owner = i_member, epoch = l.epoch + 1, expires_at = v_expires
     where l.topic_name = i_topic and l.group_name = i_group and l.target = i_member
       and l.owner is distinct from i_member
       and (l.owner is null or l.expires_at is null or l.expires_at < v_now);
    return query
    select l.partition_no, l.epoch, case when l.target = i_member then 'owned' else 'revoke' end,
           l.batch_id, l.done_ev_id
      from pgq_topic.lease l
     where l.topic_name = i_topic and l.group_name = i_group and l.owner = i_member
     order by l.partition_no;
end;
$$;
