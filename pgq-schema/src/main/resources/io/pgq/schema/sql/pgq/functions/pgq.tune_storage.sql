-- pgq.tune_storage(queue): event tables are insert-only and emptied by TRUNCATE, so
-- fillfactor=100 and no autovacuum (table and toast).  Returns 0 for an unknown queue, else 1.
create or replace function pgq.tune_storage(i_queue_name text)
returns integer
language plpgsql strict
as $$
declare
    q   record;
    i   integer;
begin
    select queue_ntables, queue_data_pfx into q
      from pgq.queue
     where queue_name = i_queue_name;
    if not found then
        return 0;
    end if;
    for i in 0 .. q.queue_ntables - 1 loop
        execute 'alter table ' || pgq.quote_fqname(q.queue_data_pfx || '_' || i::text)
             || ' set (fillfactor = 100, autovacuum_enabled = off, toast.autovacuum_enabled = off)';
    end loop;
    return 1;
end;
$$;
