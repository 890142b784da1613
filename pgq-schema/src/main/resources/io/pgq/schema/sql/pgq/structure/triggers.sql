-- Clears the transaction-local insert lookup cache of insert_event_raw whenever this
-- transaction changes or deletes queue rows (rotation, set_queue_config, drop_queue, or a
-- direct UPDATE).  ENABLE ALWAYS: it must fire under session_replication_role = replica too.
DO $$
begin
    if not exists (select 1 from pg_catalog.pg_trigger
                    where tgrelid = 'pgq.queue'::pg_catalog.regclass
                      and tgname = 'queue_insert_cache_reset') then
        create trigger queue_insert_cache_reset
            after update or delete on pgq.queue
            for each statement execute function pgq._queue_changed();
    end if;
end;
$$;
ALTER TABLE pgq.queue ENABLE ALWAYS TRIGGER queue_insert_cache_reset;

-- Regenerates the generated insert functions (pgq._generate_insert_static) when a queue's
-- insert flags or number of tables change, also by a direct UPDATE.
DO $$
begin
    if not exists (select 1 from pg_catalog.pg_trigger
                    where tgrelid = 'pgq.queue'::pg_catalog.regclass
                      and tgname = 'queue_insert_layout') then
        create trigger queue_insert_layout
            after update of queue_disable_insert, queue_per_tx_limit, queue_ntables on pgq.queue
            for each statement execute function pgq._queue_layout_changed();
    end if;
end;
$$;
ALTER TABLE pgq.queue ENABLE ALWAYS TRIGGER queue_insert_layout;
