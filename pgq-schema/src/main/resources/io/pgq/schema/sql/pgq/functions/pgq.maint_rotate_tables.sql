-- pgq.maint_rotate_tables_step1(queue): switches inserts to the next data table (after
-- truncating it) when the rotation period has passed, the previous rotation completed and
-- every consumer has moved past it.  Always returns 0.  See reference §1.2.
create or replace function pgq.maint_rotate_tables_step1(i_queue_name text)
returns integer
language plpgsql
as $$
declare
    q           record;
    v_lowest    bigint;
    v_xmin      bigint;
    v_next      integer;
    v_table     text;
begin
    select queue_id, queue_cur_table, queue_ntables, queue_data_pfx,
           queue_switch_step1, queue_switch_step2
      into q
      from pgq.queue
     where queue_name = i_queue_name
       and queue_rotation_period is not null
       and queue_switch_step2 is not null
       and queue_switch_time + queue_rotation_period < current_timestamp
       for update;
    if not found then
        return 0;
    end if;

    if pg_catalog.txid_current() < q.queue_switch_step1 then
        raise exception 'queue % maint failure: step1=%, current=%',
                        i_queue_name, q.queue_switch_step1, pg_catalog.txid_current();
    end if;

    -- the slowest consumer may still need the previous table
    select min(sub_last_tick) into v_lowest
      from pgq.subscription
     where sub_queue = q.queue_id;
    if v_lowest is not null then
        select pg_catalog.txid_snapshot_xmin(tick_snapshot) into v_xmin
          from pgq.tick
         where tick_queue = q.queue_id and tick_id = v_lowest;
        if not found then
            raise exception 'queue % maint failure: tick % not found', i_queue_name, v_lowest;
        end if;
        if v_xmin <= q.queue_switch_step2 then
            return 0;
        end if;
    end if;

    v_next := q.queue_cur_table + 1;
    if v_next = q.queue_ntables then
        v_next := 0;
    end if;
    v_table := pgq.quote_fqname(q.queue_data_pfx || '_' || v_next::text);
    begin
        execute 'lock table ' || v_table || ' nowait';
        execute 'truncate ' || v_table;
    exception
        when lock_not_available then
            -- somebody (pg_dump?) uses the table: try again next time
            return 0;
    end;

    update pgq.queue
       set queue_cur_table = v_next,
           queue_switch_time = current_timestamp,
           queue_switch_step1 = pg_catalog.txid_current(),
           queue_switch_step2 = null
     where queue_id = q.queue_id;

    -- keep ticks for one more rotation period (register_consumer_at can go back to them)
    delete from pgq.tick
     where tick_queue = q.queue_id
       and pg_catalog.txid_snapshot_xmin(tick_snapshot) < q.queue_switch_step2;
    return 0;
end;
$$;

-- pgq.maint_rotate_tables_step2(): marks rotations as committed (step2 = this txid).
-- Must run in its own transaction after step1 committed: a transaction whose txid is above
-- step2 got it after the switch was visible, so it inserts into the new table.
-- pgq-java refuses (WARNING, nothing changed) when this transaction already has a txid,
-- because that txid may predate the switch (e.g. step1 and step2 in one transaction).
create or replace function pgq.maint_rotate_tables_step2()
returns integer
language plpgsql
as $$
begin
    if pg_catalog.txid_current_if_assigned() is not null then
        if exists (select 1 from pgq.queue where queue_switch_step2 is null) then
            raise warning 'pgq.maint_rotate_tables_step2: skipped, it must run in a transaction of its own '
                          '(after maint_rotate_tables_step1 committed) that has not written anything yet';
        end if;
        return 0;
    end if;
    -- one statement: rows are chosen with a snapshot in which step1 is committed, and the
    -- txid is assigned after that snapshot
    update pgq.queue
       set queue_switch_step2 = pg_catalog.txid_current()
     where queue_switch_step2 is null;
    return 0;
end;
$$;
