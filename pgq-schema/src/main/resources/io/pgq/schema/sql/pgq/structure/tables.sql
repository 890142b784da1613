-- pgq: schema, tables and sequences (reference §1.1).
-- Re-runnable: every object is created only if missing, existing data is kept.

CREATE SCHEMA IF NOT EXISTS pgq;

COMMENT ON SCHEMA pgq IS 'pgq-java schema revision 4';

-- Name <-> id map of consumers.
CREATE TABLE IF NOT EXISTS pgq.consumer (
    co_id       serial,
    co_name     text        not null,
    CONSTRAINT consumer_pkey PRIMARY KEY (co_id),
    CONSTRAINT consumer_name_uq UNIQUE (co_name)
);

-- One row per queue: configuration and rotation state.
CREATE TABLE IF NOT EXISTS pgq.queue (
    queue_id                    serial,
    queue_name                  text        not null,
    queue_ntables               integer     not null default 3,
    queue_cur_table             integer     not null default 0,
    queue_rotation_period       interval    not null default '2 hours',
    queue_switch_step1          bigint      not null default pg_catalog.txid_current(),
    queue_switch_step2          bigint               default pg_catalog.txid_current(),
    queue_switch_time           timestamptz not null default pg_catalog.now(),
    queue_external_ticker       boolean     not null default false,
    queue_disable_insert        boolean     not null default false,
    queue_ticker_paused         boolean     not null default false,
    queue_ticker_max_count      integer     not null default 500,
    queue_ticker_max_lag        interval    not null default '3 seconds',
    queue_ticker_idle_period    interval    not null default '1 minute',
    queue_per_tx_limit          integer,
    queue_data_pfx              text        not null,
    queue_event_seq             text        not null,
    queue_tick_seq              text        not null,
    queue_extra_maint           text[],
    CONSTRAINT queue_pkey PRIMARY KEY (queue_id),
    CONSTRAINT queue_name_uq UNIQUE (queue_name)
);

-- Snapshots that cut the event stream into batches.
CREATE TABLE IF NOT EXISTS pgq.tick (
    tick_queue      int4            not null,
    tick_id         bigint          not null,
    tick_time       timestamptz     not null default pg_catalog.now(),
    tick_snapshot   txid_snapshot   not null default pg_catalog.txid_current_snapshot(),
    tick_event_seq  bigint          not null,
    CONSTRAINT tick_pkey PRIMARY KEY (tick_queue, tick_id),
    CONSTRAINT tick_queue_fkey FOREIGN KEY (tick_queue) REFERENCES pgq.queue (queue_id)
);

-- Global batch ids.
CREATE SEQUENCE IF NOT EXISTS pgq.batch_id_seq;

-- Consumer registration and position.  sub_id is not unique on purpose
-- (cooperative subconsumers share the main consumer's sub_id).
CREATE TABLE IF NOT EXISTS pgq.subscription (
    sub_id          serial      not null,
    sub_queue       int4        not null,
    sub_consumer    int4        not null,
    sub_last_tick   bigint,
    sub_active      timestamptz not null default pg_catalog.now(),
    sub_batch       bigint,
    sub_next_tick   bigint,
    CONSTRAINT subscription_pkey PRIMARY KEY (sub_queue, sub_consumer),
    CONSTRAINT subscription_batch_idx UNIQUE (sub_batch),
    CONSTRAINT sub_queue_fkey FOREIGN KEY (sub_queue) REFERENCES pgq.queue (queue_id),
    CONSTRAINT sub_consumer_fkey FOREIGN KEY (sub_consumer) REFERENCES pgq.consumer (co_id)
);

-- Parent of all event tables; never holds rows itself.
CREATE TABLE IF NOT EXISTS pgq.event_template (
    ev_id       bigint      not null,
    ev_time     timestamptz not null,
    ev_txid     bigint      not null default pg_catalog.txid_current(),
    ev_owner    int4,
    ev_retry    int4,
    ev_type     text,
    ev_data     text,
    ev_extra1   text,
    ev_extra2   text,
    ev_extra3   text,
    ev_extra4   text
);

-- Events scheduled for re-delivery to one subscription (ev_owner = sub_id).
CREATE TABLE IF NOT EXISTS pgq.retry_queue (
    ev_retry_after  timestamptz not null,
    ev_queue        int4        not null,
    LIKE pgq.event_template,
    CONSTRAINT rq_pkey PRIMARY KEY (ev_owner, ev_id),
    CONSTRAINT rq_queue_id_fkey FOREIGN KEY (ev_queue) REFERENCES pgq.queue (queue_id)
);
ALTER TABLE pgq.retry_queue ALTER COLUMN ev_owner SET NOT NULL;
ALTER TABLE pgq.retry_queue ALTER COLUMN ev_txid DROP NOT NULL;
CREATE INDEX IF NOT EXISTS rq_retry_idx ON pgq.retry_queue (ev_retry_after);

-- (pgq-java) The txid of the latest transaction that changed pgq.queue in a way that can
-- move a queue's inserts to another table (rotation, insert flags, number of tables, drop):
-- a session's cached slot is valid while this sequence stands still (trigger
-- queue_insert_layout_seq_*, pgq._queue_layout_seq, NOTES-pgq.md).
CREATE SEQUENCE IF NOT EXISTS pgq.insert_layout_seq;

-- (pgq-java) One row per open transaction whose insert buffer is armed: its deferred
-- constraint trigger writes the buffer at commit and deletes the row
-- (functions/pgq._insert_buffer.sql, structure/triggers.sql).  Unlogged: rows never
-- outlive their transaction.
CREATE UNLOGGED TABLE IF NOT EXISTS pgq.insert_buffer (
    ib_txid     bigint      not null default pg_catalog.txid_current(),
    ib_time     timestamptz not null default pg_catalog.now()
);
