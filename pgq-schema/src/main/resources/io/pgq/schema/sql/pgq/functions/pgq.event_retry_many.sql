-- (pgq-java) pgq.event_retry_many(batch, event ids, retry times): pgq.event_retry for many
-- events of one open batch, reading the batch once whatever their number.  For each distinct
-- id it does what pgq.event_retry(batch, id, time) does: the event is copied into
-- pgq.retry_queue for the batch's subscription (ev_retry + 1, ev_txid NULL, retry at its
-- time); an id already queued for retry by this subscription is skipped.  An id given twice
-- counts once, with its first time.  Returns the number of events queued now, which is the
-- sum the per-event calls would return.  The whole call fails, queueing nothing, with
-- 'event not found' when the batch is not open or an id is not one of its events.
create or replace function pgq.event_retry_many(i_batch_id bigint, i_event_ids bigint[], i_retry_times timestamptz[])
returns integer
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_sub       record;
    v_res       record;
begin
    if i_batch_id is null or i_event_ids is null or i_retry_times is null then
        raise exception 'event_retry_many: batch id, event ids and retry times must not be NULL';
    end if;
    if cardinality(i_event_ids) <> cardinality(i_retry_times) then
        raise exception 'event_retry_many: % event ids but % retry times', cardinality(i_event_ids), cardinality(i_retry_times)
              using hint = 'Give one retry time per event id, in the same order.';
    end if;
    if array_position(i_retry_times, null) is not null then
        raise exception 'event_retry_many: the retry time of event % is NULL',
                        i_event_ids[array_position(i_retry_times, null)];
    end if;

    select sub_queue, sub_id into v_sub
      from pgq.subscription
     where sub_batch = i_batch_id;
    if not found then
        raise exception 'event not found'
              using detail = format('Batch %s is not open: it is unknown or already finished.', i_batch_id);
    end if;
    if cardinality(i_event_ids) = 0 then
        return 0;
    end if;

    -- One read of the batch, restricted to the ids' range, then the insert and the check for
    -- ids that are not in the batch from that one read.
    execute format(
        'with wanted as ('
        '    select distinct on (t.id) t.id, t.at'
        '      from unnest($1, $2) with ordinality as t(id, at, n)'
        '     order by t.id, t.n),'
        ' ev as materialized ('
        '    select b.* from (%s) b'
        '     where b.ev_id >= $3 and b.ev_id <= $4 and b.ev_id = any($1)),'
        ' ins as ('
        '    insert into pgq.retry_queue (ev_retry_after, ev_queue, ev_id, ev_time, ev_txid, ev_owner,'
        '                                 ev_retry, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4)'
        '    select w.at, $5, ev.ev_id, ev.ev_time, null, $6, coalesce(ev.ev_retry, 0) + 1,'
        '           ev.ev_type, ev.ev_data, ev.ev_extra1, ev.ev_extra2, ev.ev_extra3, ev.ev_extra4'
        '      from wanted w join ev on ev.ev_id = w.id'
        '    on conflict (ev_owner, ev_id) do nothing'
        '    returning 1)'
        ' select (select count(*) from ins)::int4 as queued,'
        '        (select count(*) from wanted w where not exists (select 1 from ev where ev.ev_id = w.id)) as missing,'
        '        (select w.id from wanted w where not exists (select 1 from ev where ev.ev_id = w.id)'
        '          order by w.id nulls first limit 1) as first_missing',
        pgq.batch_event_sql(i_batch_id))
       into v_res
      using i_event_ids, i_retry_times,
            (select min(x) from unnest(i_event_ids) x), (select max(x) from unnest(i_event_ids) x),
            v_sub.sub_queue, v_sub.sub_id;

    if v_res.missing > 0 then
        raise exception 'event not found'
              using detail = format('Event %s%s is not in batch %s.', coalesce(v_res.first_missing::text, 'NULL'),
                                    case when v_res.missing > 1 then format(' (and %s more)', v_res.missing - 1) else '' end,
                                    i_batch_id);
    end if;
    return v_res.queued;
end;
$$;

-- (pgq-java) pgq.event_retry_many(batch, event ids, seconds): every event retried after this
-- many seconds.
create or replace function pgq.event_retry_many(i_batch_id bigint, i_event_ids bigint[], i_retry_seconds integer)
returns integer
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if i_retry_seconds is null then
        raise exception 'event_retry_many: retry seconds must not be NULL';
    end if;
    return pgq.event_retry_many(i_batch_id, i_event_ids,
                                array_fill(current_timestamp + make_interval(secs => i_retry_seconds),
                                           array[coalesce(cardinality(i_event_ids), 0)]));
end;
$$;
