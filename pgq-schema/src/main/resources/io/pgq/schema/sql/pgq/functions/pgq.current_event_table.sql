-- pgq.current_event_table(queue): name of the data table currently receiving inserts,
-- for producers that COPY/INSERT directly (they must set ev_time; ev_id/ev_txid default).
-- Valid only until the end of the current transaction.
--
-- Rotation safety as in insert_event_raw: the xid is assigned before the queue row is read,
-- and outside READ COMMITTED the row is share-locked (through an internal SECURITY DEFINER
-- helper, since FOR SHARE needs UPDATE privilege that writers do not have).
create or replace function pgq.current_event_table(x_queue_name text)
returns text
language plpgsql
as $$
declare
    q   record;
begin
    perform pg_catalog.txid_current();
    if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
        perform pgq._share_lock_queue(x_queue_name);
    end if;
    select queue_data_pfx, queue_cur_table, queue_disable_insert into q
      from pgq.queue
     where queue_name = x_queue_name;
    if not found then
        raise exception 'Event queue not found';
    end if;
    if q.queue_disable_insert
       and pg_catalog.current_setting('session_replication_role') <> 'replica' then
        raise exception 'Writing to queue disabled';
    end if;
    return q.queue_data_pfx || '_' || q.queue_cur_table::text;
end;
$$;

-- Share-locks a queue row (no error if missing).  Under REPEATABLE READ / SERIALIZABLE this
-- raises a serialization failure when the row changed after the transaction's snapshot.
create or replace function pgq._share_lock_queue(i_queue_name text)
returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform 1 from pgq.queue where queue_name = i_queue_name for share;
end;
$$;
