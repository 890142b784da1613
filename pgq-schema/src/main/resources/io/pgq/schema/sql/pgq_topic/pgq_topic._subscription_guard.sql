-- pgq_topic._subscription_guard(): trigger on pgq.subscription: on a topic's partition queue
-- only the topic's groups are registered (by pgq_topic.heartbeat). A plain consumer there would
-- read one partition beside the group's members, so pgq.register_consumer is refused with a
-- pointer to groups. It reads only the tables.
create or replace function pgq_topic._subscription_guard()
returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_queue    text;
    v_consumer text;
    v_topic    text;
begin
    select q.queue_name into v_queue from pgq.queue q where q.queue_id = new.sub_queue;
    v_topic := substring(v_queue from '^(.*)\.p[0-9]+$');
    if v_topic is null or not exists (select 1 from pgq_topic.topic t where t.topic_name = v_topic) then
        return new;
    end if;
    select c.co_name into v_consumer from pgq.consumer c where c.co_id = new.sub_consumer;
    if not exists (select 1 from pgq_topic.grp g where g.topic_name = v_topic and g.group_name = v_consumer) then
        raise exception 'cannot register consumer "%" on queue "%": it is a partition of topic "%"; consume the topic as a member of group "%" instead (pgq_topic.heartbeat, or a topic consumer in Java)',
            v_consumer, v_queue, v_topic, v_consumer
            using errcode = '42710';
    end if;
    return new;
end;
$$;

drop trigger if exists pgq_topic_subscription_guard on pgq.subscription;
create trigger pgq_topic_subscription_guard
    before insert on pgq.subscription
    for each row execute function pgq_topic._subscription_guard();
