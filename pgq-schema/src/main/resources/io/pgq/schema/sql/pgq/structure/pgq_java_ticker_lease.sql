-- (pgq-java) Leadership of the ticker daemon: one row per lock key (one per database unless
-- a ticker is configured with another key), with the owning instance, an epoch that grows
-- by one with every change of owner, the time the lease runs out, and the server process
-- that took or renewed it last (what pgq status shows; behind a pooler only a hint).  A row, not a session
-- lock, so that leadership holds through a pooler in transaction mode, where session state
-- does not survive a transaction.  Written only through the SECURITY DEFINER functions in
-- pgq._ticker_lease.sql (granted to pgq_admin); pgq_reader may read it (pgq status).
-- Re-runnable: created only if missing.

create table if not exists pgq.ticker_lease (
    tl_key          bigint      not null,
    tl_owner        text,
    tl_epoch        bigint      not null default 0,
    tl_expires_at   timestamptz not null default '-infinity',
    tl_pid          int4,
    constraint ticker_lease_pkey primary key (tl_key)
);
