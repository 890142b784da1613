-- pgq.insert_event_raw(queue, ev_id, ev_time, ev_owner, ev_retry, type, data, extra1..4):
-- inserts one event into the queue's current data table and returns its id.
--
-- * Always consumes one value of the queue's event sequence, also when ev_id is given or
--   the insert is refused (the ticker counts new events from the sequence).
-- * ev_id NULL: the consumed sequence value; ev_time NULL: now().
-- * Refused while queue_disable_insert is set, unless session_replication_role = 'replica'.
-- * queue_per_tx_limit (not NULL) caps the events one top-level transaction may insert;
--   counted in a transaction-local setting, so queues without a limit pay nothing.
--
-- Rotation safety (NOTES-pgq.md): the transaction id is assigned BEFORE the queue row is
-- read.  Outside READ COMMITTED the queue row is also locked FOR SHARE, so a rotation that
-- committed after the transaction's snapshot makes the insert fail with a serialization
-- error (retry the transaction) instead of writing into the previous table.
--
-- Fast path: after the first insert into a queue (without limit or disable flag), the
-- transaction remembers its slot in the transaction-local settings pgq.insert_cache_name /
-- pgq.insert_cache_slot and goes straight to the generated pgq._insert_event_static()
-- (with checked = false, so a forged setting cannot bypass the flags).  That is safe for
-- rotation because the first lookup happened after the xid was assigned (NOTES-pgq.md).
-- Any UPDATE/DELETE of pgq.queue in the transaction clears the cache (trigger).
CREATE OR REPLACE FUNCTION pgq.insert_event_raw(
    queue_name text, ev_id bigint, ev_time timestamptz,
    ev_owner integer, ev_retry integer, ev_type text, ev_data text,
    ev_extra1 text, ev_extra2 text, ev_extra3 text, ev_extra4 text)
RETURNS int8
LANGUAGE plpgsql
AS $$
begin
    return coalesce(
        case when pg_catalog.current_setting('pgq.insert_cache_name', true) = '#' || insert_event_raw.queue_name
             then pgq._insert_event_static(pg_catalog.current_setting('pgq.insert_cache_slot')::int8,
                      insert_event_raw.ev_id, coalesce(insert_event_raw.ev_time, pg_catalog.now()),
                      insert_event_raw.ev_owner, insert_event_raw.ev_retry,
                      insert_event_raw.ev_type, insert_event_raw.ev_data,
                      insert_event_raw.ev_extra1, insert_event_raw.ev_extra2,
                      insert_event_raw.ev_extra3, insert_event_raw.ev_extra4, false)
        end,
        pgq._insert_event_slow(insert_event_raw.queue_name,
                      insert_event_raw.ev_id, coalesce(insert_event_raw.ev_time, pg_catalog.now()),
                      insert_event_raw.ev_owner, insert_event_raw.ev_retry,
                      insert_event_raw.ev_type, insert_event_raw.ev_data,
                      insert_event_raw.ev_extra1, insert_event_raw.ev_extra2,
                      insert_event_raw.ev_extra3, insert_event_raw.ev_extra4));
end;
$$;

-- Checked path of insert_event_raw (and of insert_event on a cache miss): assigns the xid,
-- then reads (outside READ COMMITTED also share-locks) the queue row, applies
-- disable_insert and per_tx_limit, inserts, and fills the transaction-local cache for
-- queues that have neither flag.
CREATE OR REPLACE FUNCTION pgq._insert_event_slow(
    i_queue_name text, i_ev_id int8, i_ev_time timestamptz, i_ev_owner int4, i_ev_retry int4,
    i_ev_type text, i_ev_data text, i_ev_extra1 text, i_ev_extra2 text, i_ev_extra3 text, i_ev_extra4 text)
RETURNS int8
LANGUAGE plpgsql
AS $$
declare
    q           record;
    v_result    int8;
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

    v_result := coalesce(
        pgq._insert_event_static(q.slot, i_ev_id, i_ev_time, i_ev_owner, i_ev_retry,
            i_ev_type, i_ev_data, i_ev_extra1, i_ev_extra2, i_ev_extra3, i_ev_extra4, true),
        pgq._insert_event_dynamic(q.queue_id, q.queue_cur_table, i_ev_id, i_ev_time,
            i_ev_owner, i_ev_retry, i_ev_type, i_ev_data, i_ev_extra1, i_ev_extra2, i_ev_extra3, i_ev_extra4));

    -- remember the slot for the rest of the transaction (only for unflagged queues)
    perform case when not q.flagged
                 then pg_catalog.set_config('pgq.insert_cache_slot', q.slot::text, true)
                      || pg_catalog.set_config('pgq.insert_cache_name', '#' || i_queue_name, true)
            end;
    return v_result;
end;
$$;

-- Unknown queue (i_queue_id NULL), queue_disable_insert and queue_per_tx_limit (the queue
-- row was just read by the caller).  A refused insert still consumes an event id, like
-- the reference.
CREATE OR REPLACE FUNCTION pgq._insert_check_flags(i_queue_id int4, i_queue_name text)
RETURNS void
LANGUAGE plpgsql
AS $$
declare
    q       record;
    v_count bigint;
begin
    if i_queue_name is null then
        raise exception 'Queue name must not be NULL';
    elsif i_queue_id is null then
        raise exception 'No such queue';
    end if;
    select r.queue_disable_insert, r.queue_per_tx_limit, r.queue_event_seq into q
      from pgq.queue r
     where r.queue_id = i_queue_id;

    if q.queue_disable_insert
       and pg_catalog.current_setting('session_replication_role') <> 'replica' then
        perform pg_catalog.nextval(q.queue_event_seq::pg_catalog.regclass);
        raise exception 'Insert into queue disallowed';
    end if;

    if q.queue_per_tx_limit is not null then
        v_count := coalesce(nullif(pg_catalog.current_setting('pgq.tx_events_' || i_queue_id::text, true), ''), '0')::bigint + 1;
        if v_count > q.queue_per_tx_limit then
            perform pg_catalog.nextval(q.queue_event_seq::pg_catalog.regclass);
            raise exception 'Queue ''%'' allows max % events from one TX', i_queue_name, q.queue_per_tx_limit;
        end if;
        perform pg_catalog.set_config('pgq.tx_events_' || i_queue_id::text, v_count::text, true);
    end if;
end;
$$;

-- Dynamic (EXECUTE) insert, used when the generated function does not cover a queue/table.
CREATE OR REPLACE FUNCTION pgq._insert_event_dynamic(
    i_queue_id int4, i_table int4, i_ev_id int8, i_ev_time timestamptz, i_ev_owner int4, i_ev_retry int4,
    i_ev_type text, i_ev_data text, i_ev_extra1 text, i_ev_extra2 text, i_ev_extra3 text, i_ev_extra4 text)
RETURNS int8
LANGUAGE plpgsql
AS $$
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
-- row with (NOTES-pgq.md, "session cache").
CREATE OR REPLACE FUNCTION pgq._queue_layout_seq()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
begin
    perform pg_advisory_xact_lock(1885827361, 1);   -- 'pgq!', 1
    perform setval('pgq.insert_layout_seq', txid_current());
    return null;
end;
$$;

-- Trigger: any UPDATE/DELETE on pgq.queue clears this transaction's insert lookup cache,
-- after writing and disarming its insert buffer (pgq._insert_buffer.sql).
CREATE OR REPLACE FUNCTION pgq._queue_changed()
RETURNS trigger
LANGUAGE plpgsql
AS $$
begin
    if coalesce(pg_catalog.current_setting('pgq.ib_name', true), '') <> '' then
        perform pgq._insert_buffer_spill(null);
    end if;
    perform pg_catalog.set_config('pgq.insert_cache_name', '', true);
    return null;
end;
$$;
