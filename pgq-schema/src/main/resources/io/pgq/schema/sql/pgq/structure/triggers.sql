-- Advances pgq.insert_layout_seq when a queue's inserts may have to go elsewhere, so that
-- sessions drop their cached slots (pgq.insert_event, docs/design/insert-path.md).  Row triggers: a
-- statement that changes no such row (maint_rotate_tables_step2 finding nothing to do)
-- does not disturb the caches.  ENABLE ALWAYS.
do $$
begin
    if not exists (select 1 from pg_catalog.pg_trigger
                    where tgrelid = 'pgq.queue'::pg_catalog.regclass
                      and tgname = 'queue_insert_layout_seq_upd') then
        create trigger queue_insert_layout_seq_upd
            after update on pgq.queue
            for each row
            when (old.queue_cur_table is distinct from new.queue_cur_table
                  or old.queue_ntables is distinct from new.queue_ntables
                  or old.queue_disable_insert is distinct from new.queue_disable_insert
                  or old.queue_per_tx_limit is distinct from new.queue_per_tx_limit
                  or old.queue_data_pfx is distinct from new.queue_data_pfx
                  or old.queue_event_seq is distinct from new.queue_event_seq
                  or old.queue_name is distinct from new.queue_name
                  or old.queue_id is distinct from new.queue_id)
            execute function pgq._queue_layout_seq();
    end if;
    if not exists (select 1 from pg_catalog.pg_trigger
                    where tgrelid = 'pgq.queue'::pg_catalog.regclass
                      and tgname = 'queue_insert_layout_seq_del') then
        create trigger queue_insert_layout_seq_del
            after delete on pgq.queue
            for each row execute function pgq._queue_layout_seq();
    end if;
end;
$$;
alter table pgq.queue enable always trigger queue_insert_layout_seq_upd;
alter table pgq.queue enable always trigger queue_insert_layout_seq_del;

-- Regenerates the generated insert functions of a queue's bucket (pgq._generate_insert_bucket)
-- when the queue's insert flags (whether disable_insert or per_tx_limit is set) or its
-- number of tables change, also by a direct UPDATE.  A row trigger, so that only the
-- affected buckets are regenerated.  Earlier installs had a statement trigger of that
-- name: it is replaced.
do $$
begin
    if exists (select 1 from pg_catalog.pg_trigger
                where tgrelid = 'pgq.queue'::pg_catalog.regclass
                  and tgname = 'queue_insert_layout'
                  and (tgtype & 1) = 0) then
        drop trigger queue_insert_layout on pgq.queue;
    end if;
    if not exists (select 1 from pg_catalog.pg_trigger
                    where tgrelid = 'pgq.queue'::pg_catalog.regclass
                      and tgname = 'queue_insert_layout') then
        create trigger queue_insert_layout
            after update of queue_disable_insert, queue_per_tx_limit, queue_ntables on pgq.queue
            for each row
            when ((old.queue_disable_insert or old.queue_per_tx_limit is not null)
                      is distinct from (new.queue_disable_insert or new.queue_per_tx_limit is not null)
                  or old.queue_ntables is distinct from new.queue_ntables)
            execute function pgq._queue_layout_changed();
    end if;
end;
$$;
alter table pgq.queue enable always trigger queue_insert_layout;
