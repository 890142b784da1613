-- pgq.maint_tables_to_vacuum(): tables that need VACUUM from the maintenance daemon;
-- empty when autovacuum is on.
create or replace function pgq.maint_tables_to_vacuum()
returns setof text
language plpgsql
as $$
declare
    v_table text;
begin
    if pg_catalog.current_setting('autovacuum') = 'on' then
        return;
    end if;
    foreach v_table in array array[
        'pgq.subscription', 'pgq.consumer', 'pgq.queue', 'pgq.tick', 'pgq.retry_queue',
        'pgq_ext.completed_tick', 'pgq_ext.completed_batch', 'pgq_ext.completed_event',
        'pgq_ext.partial_batch', 'pgq_node.local_state', 'londiste.seq_info',
        'txid.epoch', 'londiste.completed']
    loop
        if pg_catalog.to_regclass(v_table) is not null then
            return next v_table;
        end if;
    end loop;
    return;
end;
$$;
