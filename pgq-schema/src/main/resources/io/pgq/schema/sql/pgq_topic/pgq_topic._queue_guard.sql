-- pgq_topic._queue_guard(): trigger on pgq.queue that keeps topics and plain queues apart:
-- no plain queue may take a topic's name or a name of one of its partitions, and a partition
-- queue may only be dropped with its topic (pgq_topic.drop_topic). It reads only the tables.
create or replace function pgq_topic._queue_guard()
returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_name  text;
    v_topic text;
    v_part  int4;
begin
    v_name := case when tg_op = 'INSERT' then new.queue_name else old.queue_name end;
    if tg_op = 'INSERT' and exists (select 1 from pgq_topic.topic where topic_name = v_name) then
        raise exception 'cannot create queue "%": it is the name of a topic; send to the topic with pgq_topic.insert_event',
            v_name
            using errcode = '42710';
    end if;
    v_topic := substring(v_name from '^(.*)\.p[0-9]+$');
    if v_topic is null then
        return case when tg_op = 'INSERT' then new else old end;
    end if;
    v_part := substring(v_name from '\.p([0-9]+)$')::int4;
    if exists (select 1 from pgq_topic.topic t where t.topic_name = v_topic) then
        if tg_op = 'INSERT' then
            raise exception 'cannot create queue "%": the name belongs to topic "%" (queues "%.p<k>" are its partitions)',
                v_name, v_topic, v_topic
                using errcode = '42710';
        end if;
        raise exception 'cannot drop queue "%": it is partition % of topic "%"; drop the topic with pgq_topic.drop_topic',
            v_name, v_part, v_topic
            using errcode = '2BP01';
    end if;
    return case when tg_op = 'INSERT' then new else old end;
end;
$$;

drop trigger if exists pgq_topic_queue_guard on pgq.queue;
create trigger pgq_topic_queue_guard
    before insert or delete on pgq.queue
    for each row execute function pgq_topic._queue_guard();
