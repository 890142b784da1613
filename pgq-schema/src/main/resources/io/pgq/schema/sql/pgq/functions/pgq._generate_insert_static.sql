-- Generated insert functions (pgq-java; not part of the reference API).
--
-- An insert must go to a table whose name depends on the queue and on its current rotation
-- table.  Dynamic SQL (EXECUTE) is parsed and planned on every call, which would dominate
-- the cost of an insert.  Instead the insert functions are generated from the list of
-- queues, with one static INSERT per data table, so PL/pgSQL caches one plan per table.
-- A "slot" is queue_id * 1024 + data table number.
--
-- The queues are split into buckets of 16 queue ids (bucket = queue_id >> 4, that is
-- slot >> 14).  Per bucket b two functions are generated, each a binary IF-tree over the
-- slots of the bucket's queues whose leaves are the static INSERTs:
--
--   pgq._insert_event_static_b<b>(slot, ev_id, ev_time, ev_owner, ev_retry, type, data,
--                                 extra1..4, checked)
--       all fields.  Consumes exactly one value of the queue's event sequence (also for a
--       given ev_id).  Slots of queues with queue_disable_insert or queue_per_tx_limit are
--       served only when checked = true, i.e. after insert_event_raw applied those checks.
--       Not SECURITY DEFINER; executable by pgq_admin (reached through
--       pgq._insert_event_static, which is not SD either).
--   pgq._insert_event_fast_b<b>(slot, type, data, extra1..4)
--       the writers' fast path: no id/owner/retry/time arguments, and no slots of flagged
--       queues.  Not SECURITY DEFINER and executable by nobody but the owner: it is only
--       called by the generated SECURITY DEFINER pgq.insert_event.
--
-- A small dispatcher, also generated, is a binary IF-tree over the existing buckets whose
-- leaves call the bucket functions (no EXECUTE):
--
--   pgq._insert_event_static(slot, ..., checked)       not SD, executable by pgq_admin
--
-- and both forms of pgq.insert_event hold the same IF-tree over the buckets, calling
-- pgq._insert_event_fast_b<b> (pgq.insert_event.sql).  While the unflagged queues have at
-- most 64 data tables in all (21 queues of 3 tables), they hold the INSERTs themselves
-- instead: an IF-tree over all those slots, one PL/pgSQL call level less per event.
--
-- pgq.insert_event passes a slot it read from the queue row or from its signed session cache
-- (pgq.insert_event.sql).  All these functions return NULL, consuming no event id, for a slot
-- they do not serve; callers then take the checked path and, if still NULL, the dynamic path
-- (pgq._insert_event_dynamic), which is always correct.
--
-- Cost of a change: create_queue, drop_queue and a change of a queue's insert flags or
-- queue_ntables (row trigger queue_insert_layout) regenerate the functions of the queue's
-- bucket (at most 16 queues) and the dispatchers.  A function is only replaced when its
-- generated text differs: the dispatchers change when a bucket appears or disappears, and
-- insert_event also while it holds the INSERTs itself.  Rotation
-- changes none of them (every data table of a queue has its leaf).  upgrade_schema (every install) checks every bucket, drops the functions of
-- buckets without queues and the dispatchers are regenerated when they differ.

-- Regenerates all generated insert functions (upgrade_schema): every bucket, the
-- dispatchers, and drops the functions of buckets that have no queue any more.
create or replace function pgq._generate_insert_static()
returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_bucket    int4;
    v_proc      regprocedure;
begin
    -- one generator at a time (concurrent CREATE OR REPLACE of a function fails); an
    -- advisory lock, as this also runs from a trigger on pgq.queue
    perform pg_advisory_xact_lock('pgq.queue'::regclass::oid::integer, 0);

    for v_bucket in select distinct q.queue_id >> 4 from pgq.queue q order by 1 loop
        perform pgq._insert_install_bucket(v_bucket);
    end loop;
    perform pgq._insert_install_dispatchers();

    -- the writers' SECURITY DEFINER dispatcher of pgq-java 0.1 before the generated
    -- insert_event called the bucket functions itself
    drop function if exists pgq._insert_event_fast(int8, text, text, text, text, text, text);

    -- functions of buckets without queues (after the dispatchers stopped calling them), and
    -- the insert buffer's writers of pgq-java schema revisions 2 and 3
    for v_proc in
        select p.oid::regprocedure
          from pg_proc p
         where p.pronamespace = 'pgq'::regnamespace
           and (p.proname ~ '^_insert_event_flush(_b[0-9]+)?$'
                or (p.proname ~ '^_insert_event_(static|fast)_b[0-9]+$'
                    and not exists (select 1 from pgq.queue q
                                     where q.queue_id >> 4 = substring(p.proname from '[0-9]+$')::int4)))
    loop
        execute 'drop function ' || v_proc::text;
    end loop;
end;
$$;

-- Regenerates the insert functions of the bucket of queue i_queue_id (create_queue,
-- drop_queue, trigger queue_insert_layout): the bucket's two functions when their text
-- changes, and the dispatchers when the bucket appears or disappears.  The functions of a
-- bucket that has no queue any more are dropped.
create or replace function pgq._generate_insert_bucket(i_queue_id int4)
returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_bucket    int4 := i_queue_id >> 4;
    v_existing  integer;
begin
    perform pg_advisory_xact_lock('pgq.queue'::regclass::oid::integer, 0);

    select count(*) into v_existing
      from pg_proc p
     where p.pronamespace = 'pgq'::regnamespace
       and p.proname in ('_insert_event_static_b' || v_bucket, '_insert_event_fast_b' || v_bucket);
    if exists (select 1 from pgq.queue q where q.queue_id between v_bucket * 16 and v_bucket * 16 + 15) then
        perform pgq._insert_install_bucket(v_bucket);
        -- a new bucket, or a change of the slots that insert_event may hold itself
        perform pgq._insert_install_dispatchers();
    elsif v_existing > 0 then
        -- the bucket's last queue is gone
        perform pgq._insert_install_dispatchers();
        execute format('drop function if exists pgq.%I(%s)', '_insert_event_static_b' || v_bucket,
                       pgq._insert_function_args('static'));
        execute format('drop function if exists pgq.%I(%s)', '_insert_event_fast_b' || v_bucket,
                       pgq._insert_function_args('fast'));
    end if;
end;
$$;

-- Argument list of the generated functions of kind 'static', 'fast', 'impl-public' (the
-- 7-argument pgq.insert_event) or 'impl-public3' (the 3-argument one).
create or replace function pgq._insert_function_args(i_kind text)
returns text
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
    select case i_kind
        when 'static' then 'i_slot int8, i_ev_id int8, i_ev_time timestamptz, i_ev_owner int4, i_ev_retry int4,'
                        || ' i_ev_type text, i_ev_data text, i_ev_extra1 text, i_ev_extra2 text, i_ev_extra3 text,'
                        || ' i_ev_extra4 text, i_checked boolean'
        when 'fast' then 'i_slot int8, i_ev_type text, i_ev_data text,'
                        || ' i_ev_extra1 text, i_ev_extra2 text, i_ev_extra3 text, i_ev_extra4 text'
        when 'impl-public' then 'queue_name text, ev_type text, ev_data text,'
                        || ' ev_extra1 text, ev_extra2 text, ev_extra3 text, ev_extra4 text'
        when 'impl-public3' then 'queue_name text, ev_type text, ev_data text'
    end;
$$;

-- Creates or replaces the two functions of one bucket (only those whose text changed).
create or replace function pgq._insert_install_bucket(i_bucket int4)
returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_slots     int8[];
    v_tables    text[];
    v_seqs      text[];
    v_flagged   boolean[];
    v_fast      int8[];
    v_fast_tbl  text[];
begin
    select array_agg(q.queue_id::int8 * 1024 + t.n order by q.queue_id, t.n),
           array_agg(pgq.quote_fqname(q.queue_data_pfx || '_' || t.n::text) order by q.queue_id, t.n),
           array_agg(pgq.quote_fqname(q.queue_event_seq) order by q.queue_id, t.n),
           array_agg(q.queue_disable_insert or q.queue_per_tx_limit is not null order by q.queue_id, t.n)
      into v_slots, v_tables, v_seqs, v_flagged
      from pgq.queue q
     cross join lateral generate_series(0, least(q.queue_ntables, 1024) - 1) t(n)
     where q.queue_id between i_bucket * 16 and i_bucket * 16 + 15;

    select array_agg(v_slots[i] order by i), array_agg(v_tables[i] order by i)
      into v_fast, v_fast_tbl
      from generate_subscripts(v_slots, 1) i
     where not v_flagged[i];

    perform pgq._insert_install_function('_insert_event_static_b' || i_bucket, 'static', format($body$
-- Generated by pgq._generate_insert_static(); do not edit.
-- Slots of the queues %s .. %s (i_slot = queue_id * 1024 + data table number).  Consumes
-- exactly one value of the queue's event sequence (also when i_ev_id is given:
-- "i_ev_id + 0 * nextval(...)") and returns the event id, or returns NULL (consuming
-- nothing) for slots it does not serve.
declare
    v_id    int8;
begin
%s    return null;
end;
$body$, i_bucket * 16, i_bucket * 16 + 15,
        pgq._insert_static_tree('static', v_slots, v_tables, v_seqs, v_flagged, 1,
                                coalesce(array_length(v_slots, 1), 0), 1)));

    perform pgq._insert_install_function('_insert_event_fast_b' || i_bucket, 'fast', format($body$
-- Generated by pgq._generate_insert_static(); do not edit.
-- Writers' fast path, called by the generated pgq.insert_event / pgq._insert_event: slots of the queues %s .. %s without
-- disable_insert/per_tx_limit (i_slot = queue_id * 1024 + data table number).  ev_id and
-- ev_txid come from the column defaults, ev_time is now().  Returns the event id, or NULL
-- for slots it does not serve.
declare
    v_id    int8;
begin
%s    return null;
end;
$body$, i_bucket * 16, i_bucket * 16 + 15,
        pgq._insert_static_tree('fast', v_fast, v_fast_tbl, null, null, 1,
                                coalesce(array_length(v_fast, 1), 0), 1)));

end;
$$;

-- Creates or replaces the dispatcher pgq._insert_event_static over the buckets that have
-- queues and both forms of pgq.insert_event (only those whose text changed).
create or replace function pgq._insert_install_dispatchers()
returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_starts    int8[];
    v_buckets   text[];
    v_count     integer;
    v_tree      text;
    v_fast      int8[];
    v_fast_tbl  text[];
begin
    select array_agg(b::int8 << 14 order by b), array_agg(b::text order by b)
      into v_starts, v_buckets
      from (select distinct q.queue_id >> 4 as b from pgq.queue q) x;
    v_count := coalesce(array_length(v_starts, 1), 0);

    perform pgq._insert_install_function('_insert_event_static', 'static', format($body$
-- Generated by pgq._generate_insert_static(); do not edit.
-- Dispatcher over the buckets of 16 queue ids (i_slot >> 14): calls the bucket's
-- pgq._insert_event_static_b<bucket>.  Returns the event id, or NULL (consuming nothing)
-- for slots it does not serve.
begin
%s    return null;
end;
$body$, pgq._insert_static_tree('static-dispatch', v_starts, v_buckets, null, null, 1, v_count, 1)));


    select array_agg(q.queue_id::int8 * 1024 + t.n order by q.queue_id, t.n),
           array_agg(pgq.quote_fqname(q.queue_data_pfx || '_' || t.n::text) order by q.queue_id, t.n)
      into v_fast, v_fast_tbl
      from pgq.queue q
     cross join lateral generate_series(0, least(q.queue_ntables, 1024) - 1) t(n)
     where not (q.queue_disable_insert or q.queue_per_tx_limit is not null);
    if coalesce(array_length(v_fast, 1), 0) <= 64 then
        -- few enough data tables: insert_event holds their INSERTs itself
        v_tree := pgq._insert_static_tree('impl-inline', v_fast, v_fast_tbl, null, null, 1,
                                          coalesce(array_length(v_fast, 1), 0), 1);
    else
        v_tree := pgq._insert_static_tree('impl-dispatch', v_starts, v_buckets, null, null, 1, v_count, 2);
    end if;
    perform pgq._insert_install_function('insert_event', 'impl-public', pgq._insert_event_source('public', v_tree));
    perform pgq._insert_install_function('insert_event', 'impl-public3', pgq._insert_event_source('public3', v_tree));
end;
$$;

-- CREATE OR REPLACE of one generated function, unless its body is already i_src.
-- i_kind: 'static' or 'fast' (bucket functions; 'static' also the dispatcher),
-- 'impl-public' / 'impl-public3' (the 7- and 3-argument pgq.insert_event, SECURITY
-- DEFINER).  A newly created function gets its grants: EXECUTE for pgq_admin on the static
-- ones, for pgq_writer on insert_event, for nobody on the fast functions (only reached from
-- SECURITY DEFINER functions, as the owner).  Returns true when the function was (re)created.
create or replace function pgq._insert_install_function(i_name text, i_kind text, i_src text)
returns boolean
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_args      text := pgq._insert_function_args(case when i_kind = 'static' then 'static'
                                                       when i_kind like 'impl-%' then i_kind
                                                       else 'fast' end);
    v_src       text;
    v_found     boolean;
begin
    select p.prosrc into v_src
      from pg_proc p
     where p.pronamespace = 'pgq'::regnamespace
       and p.proname = i_name
       and p.pronargs = case when i_kind = 'static' then 12
                             when i_kind = 'impl-public3' then 3
                             else 7 end;
    v_found := found;
    if v_src = i_src then
        return false;
    end if;

    execute format('create or replace function pgq.%I(%s) returns int8 language plpgsql %s as %L',
                   i_name, v_args,
                   case when i_kind like 'impl-%'
                        then 'security definer set search_path = pg_catalog, pg_temp' else '' end,
                   i_src);
    -- (on a first install the roles come later, and grants.sql grants these functions)
    if not v_found and exists (select 1 from pg_roles where rolname = 'pgq_admin') then
        execute format('revoke all on function pgq.%I(%s) from public, pgq_reader, pgq_writer, pgq_admin',
                       i_name, v_args);
        if i_kind = 'static' then
            execute format('grant execute on function pgq.%I(%s) to pgq_admin', i_name, v_args);
        elsif i_kind like 'impl-%' then
            execute format('grant execute on function pgq.%I(%s) to pgq_writer', i_name, v_args);
        end if;
    end if;
    return true;
end;
$$;

-- Text of a binary search over the sorted i_slots[i_lo .. i_hi].
-- i_kind 'static' or 'fast': one INSERT per leaf (slot = queue_id * 1024 + table; see
-- above); 'impl-inline': the leaves of 'fast' in the terms of insert_event (v_slot and its
-- parameters).  i_kind 'static-dispatch' or 'impl-dispatch': i_slots are the
-- first slots of the buckets and i_tables the bucket numbers; each leaf calls the bucket's
-- function (a slot is sent to the bucket whose range is the last one starting at or below
-- it; that function returns NULL for slots it does not serve).
create or replace function pgq._insert_static_tree(i_kind text, i_slots int8[], i_tables text[], i_seqs text[],
                                                   i_flagged boolean[], i_lo integer, i_hi integer, i_depth integer)
returns text
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_pad   text := repeat('    ', i_depth);
    v_out   text := '';
    v_mid   integer;
    i       integer;
begin
    if i_kind in ('static-dispatch', 'impl-dispatch') then
        if i_hi < i_lo then
            return '';
        elsif i_hi = i_lo and i_kind = 'impl-dispatch' then
            return v_pad || format('v_id := pgq.%I(v_slot, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4);',
                                   '_insert_event_fast_b' || i_tables[i_lo]) || E'\n';
        elsif i_hi = i_lo then
            return v_pad || format('return pgq.%I(i_slot, i_ev_id, i_ev_time, i_ev_owner, i_ev_retry, i_ev_type, i_ev_data,',
                                   '_insert_event_static_b' || i_tables[i_lo]) || E'\n'
                || v_pad || '    i_ev_extra1, i_ev_extra2, i_ev_extra3, i_ev_extra4, i_checked);' || E'\n';
        end if;
        v_mid := (i_lo + i_hi + 1) / 2;
        return v_pad || format('if %s < %s then', case when i_kind = 'impl-dispatch' then 'v_slot' else 'i_slot' end,
                               i_slots[v_mid]) || E'\n'
            || pgq._insert_static_tree(i_kind, i_slots, i_tables, i_seqs, i_flagged, i_lo, v_mid - 1, i_depth + 1)
            || v_pad || 'else' || E'\n'
            || pgq._insert_static_tree(i_kind, i_slots, i_tables, i_seqs, i_flagged, v_mid, i_hi, i_depth + 1)
            || v_pad || 'end if;' || E'\n';
    end if;

    if i_hi - i_lo < 4 then
        for i in i_lo .. i_hi loop
            if i_kind in ('fast', 'impl-inline') then
                -- (the bucket function's names are i_slot, i_ev_type, ...; insert_event's v_slot, ev_type, ...)
                v_out := v_out
                    || v_pad || format('if %s = %s then', case when i_kind = 'fast' then 'i_slot' else 'v_slot' end,
                                       i_slots[i]) || E'\n'
                    || v_pad || format('    insert into %s (ev_time, ev_type, ev_data,', i_tables[i]) || E'\n'
                    || v_pad || '                    ev_extra1, ev_extra2, ev_extra3, ev_extra4)' || E'\n'
                    || v_pad || format('    values (pg_catalog.now(), %1$sev_type, %1$sev_data, %1$sev_extra1, %1$sev_extra2, %1$sev_extra3, %1$sev_extra4)',
                                       case when i_kind = 'fast' then 'i_' else '' end) || E'\n';
            else
                v_out := v_out
                    || v_pad || format('if i_slot = %s%s then', i_slots[i],
                                       case when i_flagged[i] then ' and i_checked' else '' end) || E'\n'
                    || v_pad || format('    insert into %s (ev_id, ev_time, ev_owner, ev_retry, ev_type, ev_data,', i_tables[i]) || E'\n'
                    || v_pad || '                    ev_extra1, ev_extra2, ev_extra3, ev_extra4)' || E'\n'
                    || v_pad || format('    values (case when i_ev_id is null then pg_catalog.nextval(%L::pg_catalog.regclass)', i_seqs[i]) || E'\n'
                    || v_pad || format('                 else i_ev_id + 0 * pg_catalog.nextval(%L::pg_catalog.regclass) end,', i_seqs[i]) || E'\n'
                    || v_pad || '            i_ev_time, i_ev_owner, i_ev_retry, i_ev_type, i_ev_data,' || E'\n'
                    || v_pad || '            i_ev_extra1, i_ev_extra2, i_ev_extra3, i_ev_extra4)' || E'\n';
            end if;
            v_out := v_out
                || v_pad || '    returning ev_id into v_id;' || E'\n'
                || v_pad || '    return v_id;' || E'\n'
                || v_pad || 'end if;' || E'\n';
        end loop;
        return v_out;
    end if;
    v_mid := (i_lo + i_hi + 1) / 2;
    return v_pad || format('if %s < %s then', case when i_kind = 'impl-inline' then 'v_slot' else 'i_slot' end,
                           i_slots[v_mid]) || E'\n'
        || pgq._insert_static_tree(i_kind, i_slots, i_tables, i_seqs, i_flagged, i_lo, v_mid - 1, i_depth + 1)
        || v_pad || 'else' || E'\n'
        || pgq._insert_static_tree(i_kind, i_slots, i_tables, i_seqs, i_flagged, v_mid, i_hi, i_depth + 1)
        || v_pad || 'end if;' || E'\n';
end;
$$;

-- Row trigger queue_insert_layout (see structure/triggers.sql): regenerates the insert
-- functions of the queue's bucket when its insert flags or number of tables change.  The
-- later rows of the same bucket in one statement find the text unchanged.  (Fired as a
-- statement trigger, as the one of earlier installs until structure/triggers.sql replaces
-- it, it regenerates everything.)
create or replace function pgq._queue_layout_changed()
returns trigger
language plpgsql
as $$
begin
    if tg_level = 'STATEMENT' then
        perform pgq._generate_insert_static();
        return null;
    end if;
    perform pgq._generate_insert_bucket(new.queue_id);
    if old.queue_id is distinct from new.queue_id then
        perform pgq._generate_insert_bucket(old.queue_id);
    end if;
    return null;
end;
$$;
