-- (pgq-java) Which instance runs a plain consumer: one row per (queue, consumer) with the
-- owning instance, an epoch that grows by one with every change of owner, the time the lease
-- runs out unless renewed, and the server process that took or renewed it last (a hint only
-- behind a pooler).  A second instance of the same consumer stands by until the lease is
-- released or expires; the batch is finished only under the lease (pgq._consumer_lease_*).
-- A row, not a session lock, so that it holds through a pooler in transaction mode.
-- Written only through the SECURITY DEFINER functions in pgq._consumer_lease.sql (granted to
-- pgq_reader); pgq_reader may read it.  Rows go with their queue or consumer.
-- Re-runnable: created only if missing.

create table if not exists pgq.consumer_lease (
    cl_queue        int4        not null references pgq.queue (queue_id) on delete cascade,
    cl_consumer     int4        not null references pgq.consumer (co_id) on delete cascade,
    cl_owner        text,
    cl_epoch        bigint      not null default 0,
    cl_expires_at   timestamptz not null default '-infinity',
    cl_pid          int4,
    constraint consumer_lease_pkey primary key (cl_queue, cl_consumer)
);
create index if not exists consumer_lease_consumer_idx on pgq.consumer_lease (cl_consumer);
