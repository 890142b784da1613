-- (pgq-java) The ticker's lease (table pgq.ticker_lease).  Every function runs in the
-- caller's one transaction, so all of them work through a pooler in transaction mode.
--
-- Fencing: a tick is guarded by pgq._ticker_leased(), which takes the transaction-level
-- advisory lock of the key in shared mode and checks owner, epoch and expiry before it
-- ticks; a change of owner in pgq._ticker_lease_take() takes the same lock exclusively.  A
-- new owner therefore waits for a tick transaction in flight, and a tick transaction that
-- starts after the change sees the new epoch and does not tick.  The lock is the two-int4
-- form of the key, a lock space apart from the session lock on the bigint key that older
-- tickers (and the reference-extension mode) hold.

-- pgq._ticker_lease_take(key, owner, lease): takes the lease when it is free or expired (the
-- epoch grows by one), or extends it when i_owner holds it (same epoch).  Returns the epoch
-- held now, or NULL when another owner's lease is still running.
create or replace function pgq._ticker_lease_take(i_key bigint, i_owner text, i_lease interval)
returns bigint
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_epoch bigint;
begin
    if i_owner is null or i_owner = '' then
        raise exception 'ticker lease owner must not be empty' using errcode = 'invalid_parameter_value';
    end if;
    if i_lease is null or i_lease <= interval '0' then
        raise exception 'ticker lease time must be positive, got %', i_lease
            using errcode = 'invalid_parameter_value';
    end if;
    perform pg_advisory_xact_lock((i_key >> 32)::int4, (i_key & 4294967295)::bigint::bit(32)::int4);
    insert into pgq.ticker_lease as l (tl_key, tl_owner, tl_epoch, tl_expires_at, tl_pid)
    values (i_key, i_owner, 1, clock_timestamp() + i_lease, pg_backend_pid())
    on conflict (tl_key) do update
       set tl_epoch = l.tl_epoch + case when l.tl_owner is not distinct from i_owner then 0 else 1 end,
           tl_owner = i_owner,
           tl_expires_at = clock_timestamp() + i_lease,
           tl_pid = pg_backend_pid()
     where l.tl_owner is not distinct from i_owner
        or l.tl_owner is null
        or l.tl_expires_at <= clock_timestamp()
    returning l.tl_epoch into v_epoch;
    return v_epoch;
end;
$$;

-- pgq._ticker_lease_release(key, owner, epoch): gives the lease up at once (graceful stop),
-- so that a standby takes over at its next try.  True if i_owner held it with i_epoch.
create or replace function pgq._ticker_lease_release(i_key bigint, i_owner text, i_epoch bigint)
returns boolean
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    update pgq.ticker_lease
       set tl_owner = null, tl_expires_at = '-infinity', tl_pid = null
     where tl_key = i_key and tl_owner = i_owner and tl_epoch = i_epoch;
    return found;
end;
$$;

-- pgq._ticker_leased(key, owner, epoch, max_lag): pgq.ticker() guarded by the lease: ticks
-- only while i_owner holds an unexpired lease of epoch i_epoch, in this same transaction.
-- i_max_lag (may be NULL) caps the queues' ticker_max_lag as the setting pgq.ticker_max_lag
-- does, but for this transaction only (a pooler would hand a session setting to others).
-- Returns the number of queues ticked, NULL when the lease is not held (the caller has lost
-- the leadership and must stop ticking); and, so that the caller can skip passes while
-- nothing happens, the snapshot the pass started from and this transaction's own xid (NULL
-- when it wrote nothing): if the current snapshot later differs from it only by that xid,
-- no other transaction has started or ended since, and a pass would find nothing new.
-- The pass commits asynchronously (synchronous_commit off for this transaction): it does not
-- wait behind other transactions' flushes of the write-ahead log. A tick matters only once a
-- consumer opens or finishes a batch up to it, and that transaction commits later and
-- flushes the log up to and past the tick; a crash that loses a tick nobody used yet only
-- means the next pass ticks the same events.
create or replace function pgq._ticker_leased(i_key bigint, i_owner text, i_epoch bigint, i_max_lag interval,
    out ticked bigint, out snapshot text, out own_xid bigint)
returns record
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    snapshot := pg_current_snapshot()::text;
    perform pg_advisory_xact_lock_shared((i_key >> 32)::int4, (i_key & 4294967295)::bigint::bit(32)::int4);
    perform 1
       from pgq.ticker_lease
      where tl_key = i_key and tl_owner = i_owner and tl_epoch = i_epoch
        and tl_expires_at > clock_timestamp();
    if found then
        if i_max_lag is not null then
            perform set_config('pgq.ticker_max_lag', i_max_lag::text, true);
        end if;
        ticked := pgq.ticker();
        perform set_config('synchronous_commit', 'off', true);
    end if;
    own_xid := txid_current_if_assigned();
end;
$$;
