-- pgq_topic.reset_group_settings(topic, group): forgets the settings the group's members share,
-- so that the next member to join records its own. Refused (SQLSTATE 55006) while a member of
-- the group is live (its expiry has not passed): stop the members first, or wait for the
-- expiry of members that died. Returns 1, or 0 when no settings were recorded (or there is no
-- such group).
create or replace function pgq_topic.reset_group_settings(i_topic text, i_group text)
returns int4
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_live text;
begin
    perform 1 from pgq_topic.grp g where g.topic_name = i_topic and g.group_name = i_group for update;
    if not found then
        return 0;
    end if;
    select string_agg(format('%s (expires %s)', m.member_id, m.expires_at), ', ' order by m.member_id)
      into v_live
      from pgq_topic.member m
     where m.topic_name = i_topic and m.group_name = i_group and m.expires_at >= clock_timestamp();
    if v_live is not null then
        raise exception 'group "%" of topic "%" still has live members: %; stop them (or wait for their expiry) and reset the settings again',
            i_group, i_topic, v_live
            using errcode = '55006';
    end if;
    delete from pgq_topic.group_setting gs where gs.topic_name = i_topic and gs.group_name = i_group;
    if found then
        return 1;
    end if;
    return 0;
end;
$$;
