-- (pgq-java) The errors of the failed attempts of events that wait for another delivery, so
-- that a dead letter can show its history.  PgQ's retry keeps the event row and only counts
-- attempts (ev_retry); the errors live here, keyed by the consumer's subscription (for a
-- consumer group: the group's) and the event, at most 10 per event (the newest).  Rows go
-- when the event is handled or dead-lettered (pgq._java_take_failures), when the subscription
-- goes (unregister, drop queue: cascade), or after 30 days (pgq._java_record_failures).
-- Written and read only through those SECURITY DEFINER functions.
-- Re-runnable: created only if missing.

create table if not exists pgq.event_failure (
    ef_queue        int4        not null,
    ef_consumer     int4        not null,
    ef_event        bigint      not null,
    ef_attempt      int4        not null,
    ef_time         timestamptz not null default pg_catalog.now(),
    ef_error        text        not null,
    constraint event_failure_pkey primary key (ef_queue, ef_consumer, ef_event, ef_attempt),
    constraint event_failure_sub_fkey foreign key (ef_queue, ef_consumer)
        references pgq.subscription (sub_queue, sub_consumer) on delete cascade
);
