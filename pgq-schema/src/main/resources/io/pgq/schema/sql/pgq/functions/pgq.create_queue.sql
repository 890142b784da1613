-- pgq.create_queue(queue): creates the queue row, its two sequences, the parent event
-- table and queue_ntables data tables, grants, the first tick and the generated insert
-- functions of the queue's bucket.  Returns 1 when created, 0 when the queue already exists.
-- Sessions creating queues at once are serialized by a lock on pgq.queue, so of several
-- sessions creating one name exactly one returns 1 and the others 0, in every isolation level.
create or replace function pgq.create_queue(i_queue_name text)
returns integer
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_queue_id  int4;
    v_ntables   int4;
    v_base      text;
    v_table     text;
    i           integer;
begin
    if i_queue_name is null then
        raise exception 'Invalid NULL value';
    end if;

    -- serializes queue creation and removal (they regenerate the generated insert functions)
    lock table pgq.queue in share row exclusive mode;
    if exists (select 1 from pgq.queue where queue_name = i_queue_name) then
        return 0;
    end if;

    v_queue_id := nextval('pgq.queue_queue_id_seq'::regclass);
    v_base := 'event_' || v_queue_id::text;
    begin
        insert into pgq.queue (queue_id, queue_name, queue_data_pfx, queue_event_seq, queue_tick_seq)
        values (v_queue_id, i_queue_name, 'pgq.' || v_base, 'pgq.' || v_base || '_id_seq', 'pgq.' || v_base || '_tick_seq')
        returning queue_ntables into v_ntables;
    exception
        when unique_violation then
            -- created by a session that committed after this transaction's snapshot was
            -- taken (REPEATABLE READ, SERIALIZABLE): the lock above waited for it
            return 0;
    end;

    execute format('create sequence pgq.%I', v_base || '_tick_seq');
    execute format('create sequence pgq.%I', v_base || '_id_seq');
    execute format('create table pgq.%I () inherits (pgq.event_template)', v_base);
    for i in 0 .. v_ntables - 1 loop
        v_table := v_base || '_' || i::text;
        execute format('create table pgq.%I () inherits (pgq.%I)', v_table, v_base);
        execute format('alter table pgq.%I alter column ev_id set default pg_catalog.nextval(%L::pg_catalog.regclass)',
                       v_table, format('pgq.%I', v_base || '_id_seq'));
        execute format('create index %I on pgq.%I (ev_txid)', v_table || '_txid_idx', v_table);
    end loop;

    perform pgq.grant_perms(i_queue_name);
    perform pgq.ticker(i_queue_name);
    perform pgq.tune_storage(i_queue_name);
    perform pgq._generate_insert_bucket(v_queue_id);
    return 1;
end;
$$;
