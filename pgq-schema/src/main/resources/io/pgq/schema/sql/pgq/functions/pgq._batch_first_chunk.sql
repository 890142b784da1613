-- pgq._batch_first_chunk(batch_id, event_ids, newest, tables, prev_snapshot, cur_snapshot,
-- subscription_id, after_ev_id, limit): a batch opened by pgq._next_batch_read with its first
-- events, as pgq_topic.next_batch_events returns them (pgq-java): a first row that carries only
-- batch_id, first_chunk (event_ids at most limit) and caught_up (newest), then, when
-- first_chunk, up to limit events of the batch (what its SELECT from pgq._batch_event_sql
-- returns) with ev_id > after_ev_id, in ev_id order. No row for a NULL batch_id. Runs with the
-- caller's rights.
--
-- A batch's SELECT differs from the last only in its numbers, yet as dynamic SQL it is parsed
-- and planned again for every batch, which costs more than reading a batch of a few events.
-- So a batch that reads one table, with no old transaction to look up one by one (the common
-- case: pgq._batch_tx_range), is read through a statement this session prepared for that table
-- (named "pgq_batch_events_r15 <table>", parameters for the numbers; a revision that changes
-- the statement changes the name, so that no session runs one prepared under an older schema).
-- Its generic plan is made once (plan_cache_mode and enable_seqscan set here: the plan must use
-- the ev_txid index however small the table was when it was made). The setting pgq.batch_statements lists the tables
-- prepared so far; it is only a hint: a statement that is gone (DEALLOCATE, DISCARD ALL) is
-- prepared again, and one prepared in a transaction that rolled back its note is reused. At
-- most 128 statements per session (about 32 kB each): past that, and for any other batch, the
-- SELECT is run as dynamic SQL. The function must not run with another role's rights: the
-- statements and the setting are the session's, so whoever runs this session can change them.
create or replace function pgq._batch_first_chunk(
    i_batch_id int8, i_event_ids int8, i_newest boolean,
    i_tables text[], i_prev_snap txid_snapshot, i_cur_snap txid_snapshot, i_sub_id int4,
    i_after_ev_id int8, i_limit int4,
    out ev_id bigint, out ev_time timestamptz, out ev_txid bigint, out ev_retry int4,
    out ev_type text, out ev_data text,
    out ev_extra1 text, out ev_extra2 text, out ev_extra3 text, out ev_extra4 text,
    out batch_id int8, out first_chunk boolean, out caught_up boolean)
returns setof record
language plpgsql
set search_path = pg_catalog, pg_temp
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
set jit = off
as $$
declare
    v_range     record;
    v_name      text;
    v_noted     text;
    v_execute   text;
begin
    if i_batch_id is null then
        return;
    end if;
    batch_id := i_batch_id;
    first_chunk := i_event_ids is null or i_event_ids <= i_limit;
    caught_up := i_newest;
    return next;
    if not first_chunk then
        return;
    end if;
    batch_id := null;
    first_chunk := null;
    caught_up := null;
    v_range := pgq._batch_tx_range(i_prev_snap, i_cur_snap);
    if cardinality(i_tables) = 1 and v_range.old_txids is null then
        v_name := 'pgq_batch_events_r15 ' || i_tables[1];
        v_noted := coalesce(current_setting('pgq.batch_statements', true), '');
        v_execute := format('execute %I(%s, %s, %s, %L, %s, %L, %s, %s, %s)', v_name,
                            v_range.tx_start, txid_snapshot_xmax(i_cur_snap), txid_snapshot_xmin(i_cur_snap),
                            i_cur_snap, txid_snapshot_xmax(i_prev_snap), i_prev_snap, i_sub_id,
                            coalesce(i_after_ev_id, 0), i_limit);
        if position(chr(10) || i_tables[1] || chr(10) in v_noted) > 0 then
            begin
                return query execute v_execute;
                return;
            exception when syntax_error then
                null;   -- "EXECUTE query does not return tuples": not prepared in this session
            end;
        end if;
        if octet_length(v_name) < 64   -- a longer name would be cut to 63 bytes
           and length(v_noted) - length(replace(v_noted, chr(10), '')) <= 128 then
            begin
                execute format('prepare %I (int8, int8, int8, pg_catalog.txid_snapshot, int8, pg_catalog.txid_snapshot, int4, int8, int4) as'
                               ' select ev.ev_id, ev.ev_time, ev.ev_txid, ev.ev_retry, ev.ev_type, ev.ev_data,'
                               ' ev.ev_extra1, ev.ev_extra2, ev.ev_extra3, ev.ev_extra4, null::int8, null::boolean, null::boolean'
                               ' from %s ev where ',
                               v_name, pgq.quote_fqname(i_tables[1]))
                     || format(pgq._batch_event_where(), '$1', '$2', '$3', '$4', '$5', '$6', '$7')
                     || ' and ev.ev_id > $8 order by ev.ev_id limit $9';
            exception when duplicate_prepared_statement then
                null;   -- prepared in a transaction that rolled back its note
            end;
            if position(chr(10) || i_tables[1] || chr(10) in v_noted) = 0 then
                perform set_config('pgq.batch_statements',
                                   case when v_noted = '' then chr(10) else v_noted end || i_tables[1] || chr(10), false);
            end if;
            return query execute v_execute;
            return;
        end if;
    end if;
    return query execute 'select e.*, null::int8, null::boolean, null::boolean from ('
        || pgq._batch_event_sql(i_sub_id, i_prev_snap, i_cur_snap, i_tables)
        || ') e where e.ev_id > $1 order by 1 limit $2'
        using coalesce(i_after_ev_id, 0), i_limit;
end;
$$;
