-- pgq: schema, tables and sequences (reference §1.1).
-- Re-runnable: every object is created only if missing, existing data is kept.

create schema if not exists pgq;

comment on schema pgq is 'pgq-java schema revision 16';

-- Name <-> id map of consumers.
create table if not exists pgq.consumer (
    co_id       serial,
    co_name     text        not null,
    constraint consumer_pkey primary key (co_id),
    constraint consumer_name_uq unique (co_name)
);

-- One row per queue: configuration and rotation state.
create table if not exists pgq.queue (
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
    constraint queue_pkey primary key (queue_id),
    constraint queue_name_uq unique (queue_name)
);

-- Snapshots that cut the event stream into batches.
create table if not exists pgq.tick (
    tick_queue      int4            not null,
    tick_id         bigint          not null,
    tick_time       timestamptz     not null default pg_catalog.now(),
    tick_snapshot   txid_snapshot   not null default pg_catalog.txid_current_snapshot(),
    tick_event_seq  bigint          not null,
    constraint tick_pkey primary key (tick_queue, tick_id),
    constraint tick_queue_fkey foreign key (tick_queue) references pgq.queue (queue_id)
);

-- Global batch ids.
create sequence if not exists pgq.batch_id_seq;

-- Consumer registration and position.  sub_id is not unique on purpose
-- (cooperative subconsumers share the main consumer's sub_id).
create table if not exists pgq.subscription (
    sub_id          serial      not null,
    sub_queue       int4        not null,
    sub_consumer    int4        not null,
    sub_last_tick   bigint,
    sub_active      timestamptz not null default pg_catalog.now(),
    sub_batch       bigint,
    sub_next_tick   bigint,
    constraint subscription_pkey primary key (sub_queue, sub_consumer),
    constraint subscription_batch_idx unique (sub_batch),
    constraint sub_queue_fkey foreign key (sub_queue) references pgq.queue (queue_id),
    constraint sub_consumer_fkey foreign key (sub_consumer) references pgq.consumer (co_id)
);

-- Parent of all event tables; never holds rows itself.
create table if not exists pgq.event_template (
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
create table if not exists pgq.retry_queue (
    ev_retry_after  timestamptz not null,
    ev_queue        int4        not null,
    like pgq.event_template,
    constraint rq_pkey primary key (ev_owner, ev_id),
    constraint rq_queue_id_fkey foreign key (ev_queue) references pgq.queue (queue_id)
);
alter table pgq.retry_queue alter column ev_owner set not null;
alter table pgq.retry_queue alter column ev_txid drop not null;
create index if not exists rq_retry_idx on pgq.retry_queue (ev_retry_after);

-- (pgq-java) The txid of the latest transaction that changed pgq.queue in a way that can
-- move a queue's inserts to another table (rotation, insert flags, number of tables, drop):
-- a session's cached slot is valid while this sequence stands still (trigger
-- queue_insert_layout_seq_*, pgq._queue_layout_seq, docs/design/insert-path.md).
create sequence if not exists pgq.insert_layout_seq;

-- (pgq-java) The key of the session's cached insert slot (pgq.insert_event, docs/design/
-- insert-path.md): two random values that only the schema owner can read (grants.sql), set
-- once at the first install.  pgq.insert_event signs the slot it caches in session settings
-- with them, so a session cannot make it act on a slot it did not compute.
create sequence if not exists pgq.insert_key_a;
create sequence if not exists pgq.insert_key_b;
do $$
begin
    -- gen_random_uuid() draws from the server's strong random source; 60 bits of each
    if not (select is_called from pgq.insert_key_a) then
        perform pg_catalog.setval('pgq.insert_key_a',
            ('x' || pg_catalog.substr(pg_catalog.md5(pg_catalog.gen_random_uuid()::text), 1, 15))::bit(60)::int8 + 1);
    end if;
    if not (select is_called from pgq.insert_key_b) then
        perform pg_catalog.setval('pgq.insert_key_b',
            ('x' || pg_catalog.substr(pg_catalog.md5(pg_catalog.gen_random_uuid()::text), 1, 15))::bit(60)::int8 + 1);
    end if;
end;
$$;
