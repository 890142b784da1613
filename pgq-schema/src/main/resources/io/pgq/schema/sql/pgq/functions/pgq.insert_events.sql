-- (pgq-java) pgq.insert_events(queue, types[], datas[] [, extra1[]..extra4[]]): pgq.insert_event
-- for many events in one call, with one INSERT ... SELECT (docs/design/insert-path.md, "Many
-- events in one call").  Event i is (ev_types[i], ev_datas[i], ev_extra1[i], ..., ev_extra4[i]);
-- it gets the row pgq.insert_event(queue, ev_types[i], ev_datas[i], ...) would give it, with an
-- id taken from the queue's own sequence for it.  Returns the ids in the order of the arrays.
--
-- It obeys what pgq.insert_event obeys and reads no state the caller can set:
-- * the xid is assigned BEFORE the queue row is read; outside READ COMMITTED the row is
--   share-locked (rotation safety, docs/design/insert-path.md);
-- * unknown queue, NULL name, queue_disable_insert (unless session_replication_role is
--   'replica') and queue_per_tx_limit fail the whole call with insert_event's errors; the limit
--   counts the transaction's rows in the queue's tables plus the new events;
-- * ev_types and ev_datas are arrays of one dimension and equal length (elements may be NULL);
--   an extra array is NULL (all NULL) or of that length as well.
create or replace function pgq.insert_events(
    queue_name text, ev_types text[], ev_datas text[],
    ev_extra1 text[] default null, ev_extra2 text[] default null,
    ev_extra3 text[] default null, ev_extra4 text[] default null)
returns bigint[]
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    q           record;
    v_n         int4;
    v_count     int8;
    v_ids       int8[];
begin
    if insert_events.ev_types is null or insert_events.ev_datas is null then
        raise exception 'insert_events: ev_types and ev_datas must not be NULL'
              using hint = 'Pass one array element per event; an element may be NULL.';
    end if;
    v_n := cardinality(insert_events.ev_types);
    perform pgq._insert_events_check_array('ev_types', insert_events.ev_types, v_n),
            pgq._insert_events_check_array('ev_datas', insert_events.ev_datas, v_n),
            pgq._insert_events_check_array('ev_extra1', insert_events.ev_extra1, v_n),
            pgq._insert_events_check_array('ev_extra2', insert_events.ev_extra2, v_n),
            pgq._insert_events_check_array('ev_extra3', insert_events.ev_extra3, v_n),
            pgq._insert_events_check_array('ev_extra4', insert_events.ev_extra4, v_n);

    -- The xid is assigned BEFORE the queue row is read (rotation safety); outside READ
    -- COMMITTED the row is share-locked until commit.
    if txid_current() is not null and current_setting('transaction_isolation') = 'read committed' then
        select r.queue_id, r.queue_cur_table, r.queue_event_seq, r.queue_data_pfx,
               r.queue_disable_insert, r.queue_per_tx_limit
          into q
          from pgq.queue r
         where r.queue_name = insert_events.queue_name;
    else
        select r.queue_id, r.queue_cur_table, r.queue_event_seq, r.queue_data_pfx,
               r.queue_disable_insert, r.queue_per_tx_limit
          into q
          from pgq.queue r
         where r.queue_name = insert_events.queue_name
           for share;
    end if;
    if q.queue_id is null then
        perform pgq._insert_check_flags(null, insert_events.queue_name);   -- raises insert_event's error
    end if;
    if q.queue_disable_insert and current_setting('session_replication_role') <> 'replica' then
        perform nextval(q.queue_event_seq::regclass);   -- a refused insert takes an id, as insert_event's
        raise exception 'Insert into queue disallowed';
    end if;
    if q.queue_per_tx_limit is not null then
        execute format('select pg_catalog.count(*) from (select 1 from %s where ev_txid = pg_catalog.txid_current() limit %s) x',
                       pgq.quote_fqname(q.queue_data_pfx), greatest(q.queue_per_tx_limit, 0))
           into v_count;
        if v_count + v_n > q.queue_per_tx_limit then
            perform nextval(q.queue_event_seq::regclass);
            raise exception 'Queue ''%'' allows max % events from one TX', insert_events.queue_name, q.queue_per_tx_limit
                  using detail = format('This transaction has %s events in the queue and this call adds %s.', v_count, v_n);
        end if;
    end if;

    -- The ids first, one per event from the queue's sequence, so that id i belongs to event i
    -- whatever order the INSERT processes its rows in.
    v_ids := array(select nextval(q.queue_event_seq::regclass) from generate_series(1, v_n));
    execute format('insert into %s (ev_id, ev_time, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4)'
                   ' select e.id, pg_catalog.now(), e.type, e.data, e.extra1, e.extra2, e.extra3, e.extra4'
                   '   from rows from (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3), pg_catalog.unnest($4),'
                   '                   pg_catalog.unnest($5), pg_catalog.unnest($6), pg_catalog.unnest($7))'
                   '        as e(id, type, data, extra1, extra2, extra3, extra4)',
                   pgq.quote_fqname(q.queue_data_pfx || '_' || q.queue_cur_table::text))
      using v_ids, insert_events.ev_types, insert_events.ev_datas, insert_events.ev_extra1,
            insert_events.ev_extra2, insert_events.ev_extra3, insert_events.ev_extra4;
    return v_ids;
end;
$$;

-- insert_events' check of one array argument: NULL (allowed only for the extras, checked by
-- the caller), or one dimension of i_expected elements.
create or replace function pgq._insert_events_check_array(i_name text, i_values text[], i_expected int4)
returns void
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    if i_values is null then
        return;
    end if;
    if array_ndims(i_values) > 1 then
        raise exception 'insert_events: % has % dimensions', i_name, array_ndims(i_values)
              using hint = 'Pass one-dimensional arrays, one element per event.';
    end if;
    if cardinality(i_values) <> i_expected then
        raise exception 'insert_events: % has % elements but ev_types has %', i_name, cardinality(i_values), i_expected
              using hint = 'Pass arrays of the same length, element i of each belonging to event i.';
    end if;
end;
$$;
