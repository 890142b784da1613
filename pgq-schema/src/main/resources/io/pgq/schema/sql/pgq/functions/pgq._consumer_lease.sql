-- (pgq-java) The lease of a plain consumer (table pgq.consumer_lease): at most one instance of
-- a consumer works on a queue at a time; the others stand by.  Every function runs in the
-- caller's one transaction, so all of them work through a pooler in transaction mode.
--
-- Fencing: the instance finishes its batches with pgq._consumer_lease_finish_batch(), which
-- locks the lease row (owner and epoch must match) and finishes the batch in the same
-- transaction.  A take is an update of that row: it never waits for a finishing transaction
-- (SKIP LOCKED: the row counts as held) and a finishing transaction that starts after a take
-- sees the new epoch and fails.  So an instance that lost its lease (frozen past the expiry,
-- cut off by the network) never finishes a batch, and no work of its transaction commits.

-- pgq._consumer_lease_key(queue, consumer): the queue and consumer ids; raises the
-- reference's errors for an unknown queue or consumer.
create or replace function pgq._consumer_lease_key(i_queue text, i_consumer text,
    out queue_id int4, out consumer_id int4)
returns record
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    select s.sub_queue, s.sub_consumer into queue_id, consumer_id
      from pgq.subscription s
      join pgq.queue q on q.queue_id = s.sub_queue
      join pgq.consumer c on c.co_id = s.sub_consumer
     where q.queue_name = i_queue and c.co_name = i_consumer;
    if not found then
        raise exception 'Not subscriber to queue: %/%', i_queue, i_consumer;
    end if;
end;
$$;

-- pgq._consumer_lease_take(queue, consumer, owner, lease): takes the lease when it is free or
-- expired (the epoch grows by one), or extends it when i_owner holds it (same epoch).
-- Returns the epoch held now (NULL when another owner's lease still runs, or its row is
-- locked by a transaction finishing a batch), and the holder and expiry as they are now.
create or replace function pgq._consumer_lease_take(i_queue text, i_consumer text, i_owner text, i_lease interval,
    out epoch bigint, out holder text, out expires_at timestamptz)
returns record
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    k record;
    l pgq.consumer_lease;
begin
    if i_owner is null or i_owner = '' then
        raise exception 'consumer lease owner must not be empty' using errcode = 'invalid_parameter_value';
    end if;
    if i_lease is null or i_lease <= interval '0' then
        raise exception 'consumer lease time must be positive, got %', i_lease
            using errcode = 'invalid_parameter_value';
    end if;
    k := pgq._consumer_lease_key(i_queue, i_consumer);
    insert into pgq.consumer_lease (cl_queue, cl_consumer)
    values (k.queue_id, k.consumer_id)
    on conflict do nothing;
    select * into l from pgq.consumer_lease
     where cl_queue = k.queue_id and cl_consumer = k.consumer_id
       for update skip locked;
    if not found then
        select cl_owner, cl_expires_at into holder, expires_at from pgq.consumer_lease
         where cl_queue = k.queue_id and cl_consumer = k.consumer_id;
        return;
    end if;
    if l.cl_owner is not distinct from i_owner or l.cl_owner is null or l.cl_expires_at <= clock_timestamp() then
        update pgq.consumer_lease
           set cl_epoch = l.cl_epoch + case when l.cl_owner is not distinct from i_owner then 0 else 1 end,
               cl_owner = i_owner,
               cl_expires_at = clock_timestamp() + i_lease,
               cl_pid = pg_backend_pid()
         where cl_queue = k.queue_id and cl_consumer = k.consumer_id
        returning cl_epoch, cl_owner, cl_expires_at into epoch, holder, expires_at;
    else
        holder := l.cl_owner;
        expires_at := l.cl_expires_at;
    end if;
end;
$$;

-- pgq._consumer_lease_release(queue, consumer, owner, epoch): gives the lease up at once
-- (graceful stop), so that a standby takes over at its next try.  True if i_owner held it
-- with i_epoch.
create or replace function pgq._consumer_lease_release(i_queue text, i_consumer text, i_owner text, i_epoch bigint)
returns boolean
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    k record;
begin
    k := pgq._consumer_lease_key(i_queue, i_consumer);
    update pgq.consumer_lease
       set cl_owner = null, cl_expires_at = '-infinity', cl_pid = null
     where cl_queue = k.queue_id and cl_consumer = k.consumer_id
       and cl_owner = i_owner and cl_epoch = i_epoch;
    return found;
end;
$$;

-- pgq._consumer_lease_finish_batch(queue, consumer, owner, epoch, batch_id): pgq.finish_batch
-- under the lease.  Raises SQLSTATE PGQ01 unless i_owner still holds the lease at i_epoch;
-- otherwise it locks the lease row until commit (a take waits for this transaction's outcome)
-- and finishes the batch.  Returns 1, or 0 when the batch is not the consumer's open batch
-- (the consumer was repositioned or unregistered meanwhile).  It does not extend the lease.
create or replace function pgq._consumer_lease_finish_batch(i_queue text, i_consumer text, i_owner text,
    i_epoch bigint, i_batch_id bigint)
returns int4
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    k record;
begin
    k := pgq._consumer_lease_key(i_queue, i_consumer);
    perform 1 from pgq.consumer_lease
      where cl_queue = k.queue_id and cl_consumer = k.consumer_id
        and cl_owner = i_owner and cl_epoch = i_epoch
        for share;
    if not found then
        raise exception 'consumer "%" on queue "%" is no longer held by "%" at epoch %: another instance has taken it over, so this transaction must not commit',
            i_consumer, i_queue, i_owner, i_epoch
            using errcode = 'PGQ01';
    end if;
    if not exists (select 1 from pgq.subscription
                    where sub_queue = k.queue_id and sub_consumer = k.consumer_id and sub_batch = i_batch_id) then
        return 0;
    end if;
    return pgq.finish_batch(i_batch_id);
end;
$$;
