-- The transaction's insert buffer (pgq-java; not part of the reference API).
--
-- One SPI INSERT per event costs several times a row of a set-based INSERT ... SELECT, so a
-- transaction that sends many events into one queue collects them and writes them with one
-- INSERT ... SELECT: at commit, or earlier when the buffer fills.
--
-- * The first four events of a queue in a transaction are inserted directly (through the
--   transaction's cached slot, see pgq.insert_event).  The fifth "arms" the buffer
--   (pgq._insert_buffer_arm): it inserts one row into the unlogged table pgq.insert_buffer,
--   whose DEFERRABLE INITIALLY DEFERRED constraint trigger pgq._insert_buffer_commit writes
--   the buffer when the transaction commits (or at the end of the statement under SET
--   CONSTRAINTS ALL IMMEDIATE).
-- * The buffer lives in transaction-local settings, so a rolled-back subtransaction also
--   takes back its buffered events, exactly like rows it inserted:
--     pgq.ib_name    '#' || queue name while the buffer is armed for that queue
--     pgq.ib_inline  queue name while the caller may append inline (3-argument insert_event)
--     pgq.ib_slot    the slot (queue_id * 1024 + data table) the buffer is written to
--     pgq.ib_seq     oid of the queue's event id sequence
--     pgq.ib_arm     ctid of this transaction's pgq.insert_buffer row ('' when none)
--     pgq.ib_id      scratch: the id just taken by an inline append
--     pgq.ib0..ib9   the buffered rows, spread over ten settings by the last digit of the
--                    event id (appending copies a setting's value, so ten short values are
--                    much cheaper than one long one)
-- * Row format: fields separated by U+001F, rows terminated by U+001E.  Rows of the
--   3-argument insert_event are "id, type, data" as they are; rows of the 7-argument form
--   are "id" and six fields each NULL as '' or 'v' || value.  Events whose fields contain
--   either separator are inserted directly instead.
-- * The slot was read after the transaction's id was assigned, when the queue's first event
--   of the transaction was inserted: writing at commit into that table is rotation-safe for
--   the same reason as the direct inserts (NOTES-pgq.md).
-- * Any UPDATE/DELETE of pgq.queue in the transaction (rotation, set_queue_config, ...)
--   writes the buffer first (pgq._queue_changed); drop_queue does too.
-- * Visibility: buffered events appear in the event table when the buffer is written, at
--   the latest at commit; a consumer never sees a batch with uncommitted events anyway.

-- Decodes a buffer into event rows.  IMMUTABLE and a single SELECT, so it is inlined into
-- the generated INSERT ... SELECT.
CREATE OR REPLACE FUNCTION pgq._insert_buffer_rows(
    i_buf text,
    out ev_id int8, out ev_type text, out ev_data text,
    out ev_extra1 text, out ev_extra2 text, out ev_extra3 text, out ev_extra4 text)
RETURNS SETOF record
LANGUAGE sql IMMUTABLE
AS $$
    select f[1]::pg_catalog.int8,
           case when pg_catalog.cardinality(f) operator(pg_catalog.=) 3 then f[2]
                else pg_catalog.substr(nullif(f[2], ''), 2) end,
           case when pg_catalog.cardinality(f) operator(pg_catalog.=) 3 then f[3]
                else pg_catalog.substr(nullif(f[3], ''), 2) end,
           pg_catalog.substr(nullif(f[4], ''), 2),
           pg_catalog.substr(nullif(f[5], ''), 2),
           pg_catalog.substr(nullif(f[6], ''), 2),
           pg_catalog.substr(nullif(f[7], ''), 2)
      from (select pg_catalog.string_to_array(r, E'\x1f') as f
              from pg_catalog.unnest(pg_catalog.string_to_array(i_buf, E'\x1e')) r
             where r operator(pg_catalog.<>) ''
            offset 0) x    -- not flattened: string_to_array once per row, not once per use of f
$$;

-- Decodes a buffer that holds only rows of the 3-argument form (pgq.ib_x not set): fewer
-- function calls per row than pgq._insert_buffer_rows.
CREATE OR REPLACE FUNCTION pgq._insert_buffer_rows3(
    i_buf text, out ev_id int8, out ev_type text, out ev_data text)
RETURNS SETOF record
LANGUAGE sql IMMUTABLE
AS $$
    select f[1]::pg_catalog.int8, f[2], f[3]
      from (select pg_catalog.string_to_array(r, E'\x1f') as f
              from pg_catalog.unnest(pg_catalog.string_to_array(i_buf, E'\x1e')) r
             where r operator(pg_catalog.<>) ''
            offset 0) x    -- not flattened: string_to_array once per row
$$;

-- Writes the buffered rows into the buffer's data table and empties the buffer (it stays
-- armed).  Internal: runs as the owner, called from SECURITY DEFINER functions.
--
-- The internal functions below have no SET search_path of their own (each such clause costs
-- a configuration change per call, several per transaction here): they are not SECURITY
-- DEFINER, nobody else may execute them (grants.sql), and all their callers are SECURITY
-- DEFINER functions that pin it.
CREATE OR REPLACE FUNCTION pgq._insert_buffer_write()
RETURNS void
LANGUAGE plpgsql
AS $$
declare
    v_buf   text;
    v_slot  int8;
    q       record;
begin
    v_buf := coalesce(current_setting('pgq.ib0', true), '') || coalesce(current_setting('pgq.ib1', true), '')
          || coalesce(current_setting('pgq.ib2', true), '') || coalesce(current_setting('pgq.ib3', true), '')
          || coalesce(current_setting('pgq.ib4', true), '') || coalesce(current_setting('pgq.ib5', true), '')
          || coalesce(current_setting('pgq.ib6', true), '') || coalesce(current_setting('pgq.ib7', true), '')
          || coalesce(current_setting('pgq.ib8', true), '') || coalesce(current_setting('pgq.ib9', true), '');
    if v_buf = '' then
        return;
    end if;
    v_slot := current_setting('pgq.ib_slot')::int8;
    if pgq._insert_event_flush(v_slot, v_buf, current_setting('pgq.ib_x', true) is distinct from '1') is null then
        -- a slot the generated functions do not serve (an unusual table number): dynamic SQL
        select queue_data_pfx into q from pgq.queue where queue_id = (v_slot >> 10)::int4;
        if not found then
            raise exception 'No such queue';
        end if;
        execute 'insert into ' || pgq.quote_fqname(q.queue_data_pfx || '_' || (v_slot & 1023)::text)
             || ' (ev_id, ev_time, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4)'
             || ' select r.ev_id, pg_catalog.now(), r.ev_type, r.ev_data,'
             || ' r.ev_extra1, r.ev_extra2, r.ev_extra3, r.ev_extra4 from pgq._insert_buffer_rows($1) r'
          using v_buf;
    end if;
    v_buf := pgq._insert_buffer_clear();
end;
$$;

-- Empties the ten buffer settings (one expression); returns ''.
CREATE OR REPLACE FUNCTION pgq._insert_buffer_clear()
RETURNS text
LANGUAGE sql
AS $$
    select pg_catalog.set_config('pgq.ib_x', '', true)
           operator(pg_catalog.||) pg_catalog.set_config('pgq.ib0', '', true) operator(pg_catalog.||) pg_catalog.set_config('pgq.ib1', '', true)
           operator(pg_catalog.||) pg_catalog.set_config('pgq.ib2', '', true) operator(pg_catalog.||) pg_catalog.set_config('pgq.ib3', '', true)
           operator(pg_catalog.||) pg_catalog.set_config('pgq.ib4', '', true) operator(pg_catalog.||) pg_catalog.set_config('pgq.ib5', '', true)
           operator(pg_catalog.||) pg_catalog.set_config('pgq.ib6', '', true) operator(pg_catalog.||) pg_catalog.set_config('pgq.ib7', '', true)
           operator(pg_catalog.||) pg_catalog.set_config('pgq.ib8', '', true) operator(pg_catalog.||) pg_catalog.set_config('pgq.ib9', '', true)
$$;

-- Appends one event of the 7-argument form to the armed buffer and returns its id, or
-- returns NULL (taking no id) when a field contains a separator.  Writes the buffer when
-- the setting it appended to has grown past 1 kB.  Internal (as the owner).
CREATE OR REPLACE FUNCTION pgq._insert_buffer_append(
    i_ev_type text, i_ev_data text, i_ev_extra1 text, i_ev_extra2 text, i_ev_extra3 text, i_ev_extra4 text)
RETURNS int8
LANGUAGE plpgsql
AS $$
-- No SET search_path (it would cost a configuration change per event): only called by
-- SECURITY DEFINER functions, which pin it.
declare
    v_all   text := pg_catalog.concat(i_ev_type, i_ev_data, i_ev_extra1, i_ev_extra2, i_ev_extra3, i_ev_extra4);
    v_id    int8;
    v_name  text;
    v_dummy text;
begin
    if strpos(v_all, E'\x1f') > 0 or strpos(v_all, E'\x1e') > 0 then
        return null;
    end if;
    v_id := nextval(current_setting('pgq.ib_seq')::oid::regclass);
    v_name := 'pgq.ib' || (v_id % 10)::text;
    if current_setting('pgq.ib_x', true) is distinct from '1' then
        -- a row with the extra fields: the buffer needs the full decoding
        v_dummy := set_config('pgq.ib_x', '1', true);
    end if;
    if octet_length(set_config(v_name, current_setting(v_name) || v_id::text
            || E'\x1f' || coalesce('v' || i_ev_type, '') || E'\x1f' || coalesce('v' || i_ev_data, '')
            || E'\x1f' || coalesce('v' || i_ev_extra1, '') || E'\x1f' || coalesce('v' || i_ev_extra2, '')
            || E'\x1f' || coalesce('v' || i_ev_extra3, '') || E'\x1f' || coalesce('v' || i_ev_extra4, '')
            || E'\x1e', true)) >= 1024 then
        perform pgq._insert_buffer_write();
    end if;
    return v_id;
end;
$$;

-- Arms the buffer for queue i_queue_name, whose slot this transaction has cached, and
-- appends the event (pgq._insert_buffer_append).  Writes out the buffer of another queue
-- first.  When i_caller (the role calling the 3-argument insert_event) may take ids from
-- the queue's sequence, that function appends inline from now on.  Internal (as the owner).
CREATE OR REPLACE FUNCTION pgq._insert_buffer_arm(
    i_queue_name text, i_slot int8, i_caller name,
    i_ev_type text, i_ev_data text, i_ev_extra1 text, i_ev_extra2 text, i_ev_extra3 text, i_ev_extra4 text)
RETURNS int8
LANGUAGE plpgsql
AS $$
declare
    v_seq   oid;
    v_tid   tid;
    v_dummy text;
begin
    if coalesce(current_setting('pgq.ib_name', true), '') <> '' then
        perform pgq._insert_buffer_disarm();
    end if;
    select queue_event_seq::regclass::oid into v_seq from pgq.queue where queue_id = (i_slot >> 10)::int4;
    if not found then
        return null;
    end if;
    if coalesce(current_setting('pgq.ib_arm', true), '') = '' then
        insert into pgq.insert_buffer default values returning ctid into v_tid;
        if current_setting('pgq.ib_fired', true) = '1' then
            -- the trigger fired at the end of that INSERT: this transaction said SET
            -- CONSTRAINTS ALL IMMEDIATE, so nothing would write the buffer at commit.  No
            -- buffering for the rest of the transaction: direct inserts.
            delete from pgq.insert_buffer where ctid = v_tid;
            v_dummy := set_config('pgq.ib_fired', '', true) || set_config('pgq.ib_n', '-2000000000', true);
            return null;
        end if;
        v_dummy := set_config('pgq.ib_arm', v_tid::text, true);
    end if;
    if current_setting('pgq.ib9', true) is null then
        -- the session's first buffer: define the settings (an unarmed buffer is always empty:
        -- writing empties it, and commit, rollback and ROLLBACK TO restore the empty values)
        v_dummy := pgq._insert_buffer_clear();
    end if;
    v_dummy := set_config('pgq.ib_slot', i_slot::text, true)
        || set_config('pgq.ib_seq', v_seq::text, true)
        || set_config('pgq.ib_inline',
                      case when i_caller is not null and has_sequence_privilege(i_caller, v_seq, 'USAGE')
                           then i_queue_name else '' end, true)
        || set_config('pgq.ib_name', '#' || i_queue_name, true);
    return pgq._insert_buffer_append(i_ev_type, i_ev_data, i_ev_extra1, i_ev_extra2, i_ev_extra3, i_ev_extra4);
end;
$$;

-- Writes the buffer and disarms it (the next events of the queue go through
-- pgq.insert_event again).  Internal (as the owner).
CREATE OR REPLACE FUNCTION pgq._insert_buffer_disarm()
RETURNS void
LANGUAGE plpgsql
AS $$
declare
    v_dummy text;
begin
    perform pgq._insert_buffer_write();
    v_dummy := set_config('pgq.ib_name', '', true) || set_config('pgq.ib_inline', '', true);
end;
$$;

-- The 3-argument insert_event's way out when the setting it appended to has grown past
-- 1 kB: writes the buffer now and returns i_id (the id of the event just appended).  Called
-- with NULL (pgq._queue_changed), it writes and disarms the buffer.  SECURITY DEFINER: the
-- inline append runs as the caller, who may not insert into event tables.
CREATE OR REPLACE FUNCTION pgq._insert_buffer_spill(i_id int8)
RETURNS int8
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
begin
    if coalesce(current_setting('pgq.ib_name', true), '') = '' then
        return i_id;
    elsif i_id is null then
        perform pgq._insert_buffer_disarm();
    else
        perform pgq._insert_buffer_write();
    end if;
    return i_id;
end;
$$;

-- Deferred constraint trigger on pgq.insert_buffer (see structure/triggers.sql): at commit,
-- writes and disarms the buffer and deletes the transaction's pgq.insert_buffer row.  (Or
-- at the end of a statement after SET CONSTRAINTS ALL IMMEDIATE; when that statement is
-- the arming INSERT itself, pgq._insert_buffer_arm finds pgq.ib_fired set and cleans up.)
CREATE OR REPLACE FUNCTION pgq._insert_buffer_commit()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
declare
    v_arm   text := coalesce(current_setting('pgq.ib_arm', true), '');
    v_dummy text;
begin
    if v_arm = '' then
        v_dummy := set_config('pgq.ib_fired', '1', true);
        return null;
    end if;
    if coalesce(current_setting('pgq.ib_name', true), '') <> '' then
        perform pgq._insert_buffer_write();
    end if;
    delete from pgq.insert_buffer where ctid = v_arm::tid;
    -- disarmed (this matters only when SET CONSTRAINTS ALL IMMEDIATE fired the trigger before
    -- the commit: the transaction's next events arm a new buffer)
    v_dummy := set_config('pgq.ib_arm', '', true) || set_config('pgq.ib_name', '', true)
            || set_config('pgq.ib_inline', '', true);
    return null;
end;
$$;
