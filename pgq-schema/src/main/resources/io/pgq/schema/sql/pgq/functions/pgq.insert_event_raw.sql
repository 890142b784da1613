-- pgq.insert_event_raw(queue, ev_id, ev_time, ev_owner, ev_retry, type, data, extra1..4):
-- inserts one event into the queue's current data table and returns its id.
--
-- * Always consumes one value of the queue's event sequence, also when ev_id is given or
--   the insert is refused (the ticker counts new events from the sequence).
-- * ev_id NULL: the consumed sequence value; ev_time NULL: now().
-- * Refused while queue_disable_insert is set, unless session_replication_role = 'replica'.
-- * queue_per_tx_limit (not NULL) caps the events one top-level transaction may insert;
--   counted from the queue's own tables (pgq._insert_check_flags), so queues without a limit
--   pay nothing.
--
-- Rotation safety (docs/design/insert-path.md): the transaction id is assigned BEFORE the
-- queue row is read.  Outside READ COMMITTED the queue row is also locked FOR SHARE, so a
-- rotation that committed after the transaction's snapshot makes the insert fail with a
-- serialization error (retry the transaction) instead of writing into the previous table.
--
-- Not SECURITY DEFINER (reference): it runs with the privileges of its caller (pgq_admin)
-- and reads no setting a session could change.
create or replace function pgq.insert_event_raw(
    queue_name text, ev_id bigint, ev_time timestamptz,
    ev_owner integer, ev_retry integer, ev_type text, ev_data text,
    ev_extra1 text, ev_extra2 text, ev_extra3 text, ev_extra4 text)
returns int8
language plpgsql
as $$
begin
    return pgq._insert_event_slow(insert_event_raw.queue_name,
               insert_event_raw.ev_id, coalesce(insert_event_raw.ev_time, pg_catalog.now()),
               insert_event_raw.ev_owner, insert_event_raw.ev_retry,
               insert_event_raw.ev_type, insert_event_raw.ev_data,
               insert_event_raw.ev_extra1, insert_event_raw.ev_extra2,
               insert_event_raw.ev_extra3, insert_event_raw.ev_extra4);
end;
$$;

-- insert_event_raw's work: assigns the xid, then reads (outside READ COMMITTED also
-- share-locks) the queue row, applies disable_insert and per_tx_limit, and inserts.
create or replace function pgq._insert_event_slow(
    i_queue_name text, i_ev_id int8, i_ev_time timestamptz, i_ev_owner int4, i_ev_retry int4,
    i_ev_type text, i_ev_data text, i_ev_extra1 text, i_ev_extra2 text, i_ev_extra3 text, i_ev_extra4 text)
returns int8
language plpgsql
as $$
declare
    q           record;
begin
    -- The xid is assigned BEFORE the queue row is read (rotation safety, see above); the
    -- isolation level decides whether the row is share-locked.  (One statement: each
    -- PL/pgSQL statement costs a snapshot here.)
    if pg_catalog.txid_current() is not null
       and pg_catalog.current_setting('transaction_isolation') = 'read committed' then
        select r.queue_id, r.queue_cur_table, r.queue_event_seq,
               r.queue_disable_insert or r.queue_per_tx_limit is not null as flagged,
               case when r.queue_cur_table between 0 and 1023
                    then r.queue_id::int8 * 1024 + r.queue_cur_table end as slot
          into q
          from pgq.queue r
         where r.queue_name = i_queue_name;
    else
        select r.queue_id, r.queue_cur_table, r.queue_event_seq,
               r.queue_disable_insert or r.queue_per_tx_limit is not null as flagged,
               case when r.queue_cur_table between 0 and 1023
                    then r.queue_id::int8 * 1024 + r.queue_cur_table end as slot
          into q
          from pgq.queue r
         where r.queue_name = i_queue_name
           for share;
    end if;
    if q.flagged is not false then
        -- unknown queue (NULL), or disable_insert / per_tx_limit set
        perform pgq._insert_check_flags(q.queue_id, i_queue_name);
    end if;

    return coalesce(
        pgq._insert_event_static(q.slot, i_ev_id, i_ev_time, i_ev_owner, i_ev_retry,
            i_ev_type, i_ev_data, i_ev_extra1, i_ev_extra2, i_ev_extra3, i_ev_extra4, true),
        pgq._insert_event_dynamic(q.queue_id, q.queue_cur_table, i_ev_id, i_ev_time,
            i_ev_owner, i_ev_retry, i_ev_type, i_ev_data, i_ev_extra1, i_ev_extra2, i_ev_extra3, i_ev_extra4));
end;
$$;

-- Unknown queue (i_queue_id NULL), queue_disable_insert and queue_per_tx_limit (the queue
-- row was just read by the caller).  A refused insert still consumes an event id, like
-- the reference.  The transaction's earlier events of the queue are counted in the queue's
-- tables (ev_txid is indexed; at most per_tx_limit rows are read): a count kept in a setting
-- could be reset by the session.
create or replace function pgq._insert_check_flags(i_queue_id int4, i_queue_name text)
returns void
language plpgsql
as $$
declare
    q       record;
    v_count bigint;
begin
    if i_queue_name is null then
        raise exception 'Queue name must not be NULL';
    elsif i_queue_id is null then
        raise exception 'No such queue';
    end if;
    select r.queue_disable_insert, r.queue_per_tx_limit, r.queue_event_seq, r.queue_data_pfx into q
      from pgq.queue r
     where r.queue_id = i_queue_id;

    if q.queue_disable_insert
       and pg_catalog.current_setting('session_replication_role') <> 'replica' then
        perform pg_catalog.nextval(q.queue_event_seq::pg_catalog.regclass);
        raise exception 'Insert into queue disallowed';
    end if;

    if q.queue_per_tx_limit is not null then
        execute pg_catalog.format('select pg_catalog.count(*) from (select 1 from %s where ev_txid = pg_catalog.txid_current() limit %s) x',
                                  pgq.quote_fqname(q.queue_data_pfx), greatest(q.queue_per_tx_limit, 0))
           into v_count;
        if v_count >= q.queue_per_tx_limit then
            perform pg_catalog.nextval(q.queue_event_seq::pg_catalog.regclass);
            raise exception 'Queue ''%'' allows max % events from one TX', i_queue_name, q.queue_per_tx_limit;
        end if;
    end if;
end;
$$;

-- Dynamic (EXECUTE) insert, used when the generated function does not cover a queue/table.
create or replace function pgq._insert_event_dynamic(
    i_queue_id int4, i_table int4, i_ev_id int8, i_ev_time timestamptz, i_ev_owner int4, i_ev_retry int4,
    i_ev_type text, i_ev_data text, i_ev_extra1 text, i_ev_extra2 text, i_ev_extra3 text, i_ev_extra4 text)
returns int8
language plpgsql
as $$
declare
    q       record;
    v_id    int8;
begin
    select queue_data_pfx, queue_event_seq into q
      from pgq.queue
     where queue_id = i_queue_id;
    if not found then
        raise exception 'No such queue';
    end if;
    v_id := pg_catalog.nextval(q.queue_event_seq::pg_catalog.regclass);
    execute 'insert into ' || pgq.quote_fqname(q.queue_data_pfx || '_' || i_table::text)
         || ' (ev_id, ev_time, ev_owner, ev_retry, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4)'
         || ' values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)'
      using coalesce(i_ev_id, v_id), i_ev_time, i_ev_owner, i_ev_retry, i_ev_type, i_ev_data,
            i_ev_extra1, i_ev_extra2, i_ev_extra3, i_ev_extra4;
    return coalesce(i_ev_id, v_id);
end;
$$;

-- Row trigger queue_insert_layout_seq_upd/_del: sets pgq.insert_layout_seq to this
-- transaction's txid (before it commits), which invalidates every session's cached slot.
-- The advisory lock (held to the end of the transaction) serializes such transactions, so
-- the sequence always holds the txid of the latest one, committed or still running; a
-- session caches a slot only when that txid is visible in the snapshot it read the queue
-- row with (docs/design/insert-path.md).
create or replace function pgq._queue_layout_seq()
returns trigger
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform pg_advisory_xact_lock(1885827361, 1);   -- 'pgq!', 1
    perform setval('pgq.insert_layout_seq', txid_current());
    return null;
end;
$$;
