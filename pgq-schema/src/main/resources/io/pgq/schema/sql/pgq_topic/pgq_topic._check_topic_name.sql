-- pgq_topic._check_topic_name(topic): raises unless the name is a valid topic name: 1 to 120
-- letters, digits, '_', '.', '-' or ':' (so that '<topic>.p<k>' fits a 128-character queue
-- name), not ending in '.p<digits>' (such names are partition queues).
create or replace function pgq_topic._check_topic_name(i_topic text)
returns void
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    if i_topic is null or i_topic !~ '^[A-Za-z0-9_.:-]{1,120}$' then
        raise exception 'invalid topic name "%": use 1 to 120 letters, digits, ''_'', ''.'', ''-'' or '':''',
            left(coalesce(i_topic, '<NULL>'), 130)
            using errcode = '22023';
    end if;
    if i_topic ~ '\.p[0-9]+$' then
        raise exception 'invalid topic name "%": a name ending in ".p<digits>" is reserved for partition queues',
            i_topic
            using errcode = '22023';
    end if;
end;
$$;
