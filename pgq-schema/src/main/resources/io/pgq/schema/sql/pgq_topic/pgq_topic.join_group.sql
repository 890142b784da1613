-- pgq_topic.join_group(topic, group, member, session_timeout, delivery_mode, dead_letter_queue):
-- the heartbeat of a member that states its settings. Under the group's row lock it records
-- the settings when the group has none yet (its first member), otherwise compares them with
-- the group's and refuses a member that differs with SQLSTATE PGQG1, naming each setting, the
-- group's value and the member's, before anything of the heartbeat happens (the member is not
-- added, a new group is not created). Then it is pgq_topic.heartbeat and returns what that returns.
create or replace function pgq_topic.join_group(
    in i_topic text, in i_group text, in i_member text, in i_session_timeout interval,
    in i_delivery_mode text, in i_dead_letter_queue text,
    out partition_no int4, out epoch int8, out state text, out batch_id int8, out done_ev_id int8)
returns setof record
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    s      record;
    v_diff text[] := '{}';
begin
    if i_delivery_mode is null or i_delivery_mode not in ('at-least-once', 'exactly-once') then
        raise exception 'invalid delivery mode "%" for member "%": use ''at-least-once'' or ''exactly-once''',
            coalesce(i_delivery_mode, '<NULL>'), i_member
            using errcode = '22023';
    end if;
    if i_dead_letter_queue is null or length(i_dead_letter_queue) not between 1 and 128 then
        raise exception 'invalid dead-letter queue "%" for member "%": use a queue name of 1 to 128 characters',
            coalesce(i_dead_letter_queue, '<NULL>'), i_member
            using errcode = '22023';
    end if;
    if i_session_timeout is null or i_member is null then
        -- pgq_topic.heartbeat explains what is wrong
        return query select * from pgq_topic.heartbeat(i_topic, i_group, i_member, i_session_timeout);
        return;
    end if;
    perform pgq_topic._lock_group(i_topic, i_group);
    insert into pgq_topic.group_setting (topic_name, group_name, delivery_mode, dead_letter_queue,
                                         session_timeout, recorded_by)
    values (i_topic, i_group, i_delivery_mode, i_dead_letter_queue, i_session_timeout, i_member)
    on conflict do nothing;
    select gs.delivery_mode, gs.dead_letter_queue, gs.session_timeout, gs.recorded_by, gs.recorded_at
      into s
      from pgq_topic.group_setting gs
     where gs.topic_name = i_topic and gs.group_name = i_group;
    if s.delivery_mode <> i_delivery_mode then
        v_diff := v_diff || format('delivery mode: the group''s is %s, the member''s %s',
                                   s.delivery_mode, i_delivery_mode);
    end if;
    if s.dead_letter_queue <> i_dead_letter_queue then
        v_diff := v_diff || format('dead-letter queue: the group''s is %s, the member''s %s',
                                   s.dead_letter_queue, i_dead_letter_queue);
    end if;
    if s.session_timeout <> i_session_timeout then
        v_diff := v_diff || format('session timeout: the group''s is %s s, the member''s %s s',
                                   trim_scale(extract(epoch from s.session_timeout)::numeric),
                                   trim_scale(extract(epoch from i_session_timeout)::numeric));
    end if;
    if cardinality(v_diff) > 0 then
        raise exception 'member "%" is configured differently from group "%" of topic "%" (%); configure it like the group, or stop every member of the group and change the settings with pgq_topic.reset_group_settings(''%'', ''%'')',
            i_member, i_group, i_topic, array_to_string(v_diff, '; '), i_topic, i_group
            using errcode = 'PGQG1',
                  detail = format('The group''s settings were recorded by member %s at %s.', s.recorded_by, s.recorded_at);
    end if;
    return query select * from pgq_topic.heartbeat(i_topic, i_group, i_member, i_session_timeout);
end;
$$;
