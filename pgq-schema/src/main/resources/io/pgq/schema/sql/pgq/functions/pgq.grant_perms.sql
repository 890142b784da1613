-- pgq.grant_perms(queue): privileges on a queue's sequences and event tables.
-- Sequences: SELECT to public, USAGE on the event sequence to pgq_admin and (pgq-java)
-- pgq_writer.
-- Tables: pgq.event_template's privileges are copied to the parent and every data table.
create or replace function pgq.grant_perms(x_queue_name text)
returns integer
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    q       record;
    v_pos   integer;
    v_schema text;
    v_table  text;
    i       integer;
begin
    select queue_ntables, queue_data_pfx, queue_event_seq, queue_tick_seq
      into q
      from pgq.queue
     where queue_name = x_queue_name;
    if not found then
        raise exception 'Queue not found';
    end if;

    execute 'grant select on ' || pgq.quote_fqname(q.queue_tick_seq) || ' to public';
    execute 'grant select on ' || pgq.quote_fqname(q.queue_event_seq) || ' to public';
    execute 'grant usage on ' || pgq.quote_fqname(q.queue_event_seq) || ' to pgq_admin';

    v_pos := strpos(q.queue_data_pfx, '.');
    if v_pos > 0 then
        v_schema := substr(q.queue_data_pfx, 1, v_pos - 1);
        v_table := substr(q.queue_data_pfx, v_pos + 1);
    else
        v_schema := 'public';
        v_table := q.queue_data_pfx;
    end if;

    perform pgq._grant_perms_from('pgq', 'event_template', v_schema, v_table);
    for i in 0 .. q.queue_ntables - 1 loop
        perform pgq._grant_perms_from('pgq', 'event_template', v_schema, v_table || '_' || i::text);
    end loop;
    return 1;
end;
$$;
