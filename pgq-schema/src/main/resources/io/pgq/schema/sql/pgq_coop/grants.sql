-- Grants of pgq_coop (reference §6): everything to pgq_reader, version() to everyone.
grant usage on schema pgq_coop to public;
revoke all on function
    pgq_coop.register_subconsumer(text, text, text),
    pgq_coop.unregister_subconsumer(text, text, text, integer),
    pgq_coop.next_batch(text, text, text),
    pgq_coop.next_batch(text, text, text, interval),
    pgq_coop.next_batch_custom(text, text, text, interval, integer, interval),
    pgq_coop.next_batch_custom(text, text, text, interval, integer, interval, interval),
    pgq_coop.finish_batch(bigint),
    pgq_coop.version()
    from public;
grant execute on function
    pgq_coop.register_subconsumer(text, text, text),
    pgq_coop.unregister_subconsumer(text, text, text, integer),
    pgq_coop.next_batch(text, text, text),
    pgq_coop.next_batch(text, text, text, interval),
    pgq_coop.next_batch_custom(text, text, text, interval, integer, interval),
    pgq_coop.next_batch_custom(text, text, text, interval, integer, interval, interval),
    pgq_coop.finish_batch(bigint)
    to pgq_reader;
grant execute on function pgq_coop.version() to public;
