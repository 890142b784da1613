-- pgq_topic.get_topic_info([topic]): topics with their partition count, creation time and
-- number of groups, ordered by name (lag per partition: pgq_topic.get_group_info). NULL or no
-- argument: all topics.
create or replace function pgq_topic.get_topic_info(
    in i_topic text,
    out topic_name text, out partitions int4, out created_at timestamptz, out groups int4)
returns setof record
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select t.topic_name, t.partitions, t.created_at,
           (select count(*)::int4 from pgq_topic.grp g where g.topic_name = t.topic_name)
      from pgq_topic.topic t
     where i_topic is null or t.topic_name = i_topic
     order by t.topic_name;
$$;

create or replace function pgq_topic.get_topic_info(
    out topic_name text, out partitions int4, out created_at timestamptz, out groups int4)
returns setof record
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select * from pgq_topic.get_topic_info(null);
$$;
