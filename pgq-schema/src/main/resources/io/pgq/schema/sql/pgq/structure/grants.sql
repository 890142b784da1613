-- Privileges (reference §6).  Every listed object first loses all privileges of PUBLIC and
-- the three pgq roles, then gets exactly its grant.  PostgreSQL grants EXECUTE to PUBLIC on
-- new functions, hence the REVOKE also on functions meant for one role only.

grant usage on schema pgq to public;

-- tables
revoke all on table pgq.consumer, pgq.queue, pgq.tick, pgq.subscription
    from public, pgq_reader, pgq_writer, pgq_admin;
grant select on table pgq.consumer, pgq.queue, pgq.tick, pgq.subscription to public, pgq_reader;
grant select, insert, update, delete on table pgq.consumer, pgq.queue, pgq.tick, pgq.subscription to pgq_admin;

revoke all on table pgq.event_template from public, pgq_reader, pgq_writer, pgq_admin;
grant select on table pgq.event_template to pgq_reader;
grant select, insert, truncate on table pgq.event_template to pgq_admin;

revoke all on table pgq.retry_queue from public, pgq_reader, pgq_writer, pgq_admin;
grant select, insert, update, delete on table pgq.retry_queue to pgq_admin;

-- (pgq-java) written only by SECURITY DEFINER functions
revoke all on table pgq.event_failure from public, pgq_reader, pgq_writer, pgq_admin;
grant select on table pgq.event_failure to pgq_admin;
-- (pgq-java) the key of insert_event's signed session cache: the schema owner's only
revoke all on sequence pgq.insert_key_a, pgq.insert_key_b from public, pgq_reader, pgq_writer, pgq_admin;

-- public functions
revoke all on function
    pgq.seq_getval(text),
    pgq.get_queue_info(),
    pgq.get_queue_info(text),
    pgq.get_consumer_info(),
    pgq.get_consumer_info(text),
    pgq.get_consumer_info(text, text),
    pgq.quote_fqname(text),
    pgq.version()
    from public, pgq_reader, pgq_writer, pgq_admin;
grant execute on function
    pgq.seq_getval(text),
    pgq.get_queue_info(),
    pgq.get_queue_info(text),
    pgq.get_consumer_info(),
    pgq.get_consumer_info(text),
    pgq.get_consumer_info(text, text),
    pgq.quote_fqname(text),
    pgq.version()
    to public;

-- consumers
revoke all on function
    pgq.batch_event_sql(bigint),
    pgq.batch_event_tables(bigint),
    pgq._batch_tables(bigint, bigint, text, integer, integer, bigint, bigint),
    pgq._batch_event_sql(integer, txid_snapshot, txid_snapshot, text[]),
    pgq._batch_tx_range(txid_snapshot, txid_snapshot),
    pgq._batch_event_where(),
    pgq._batch_first_chunk(int8, int8, boolean, text[], txid_snapshot, txid_snapshot, int4, int8, int4),
    pgq._next_batch_read(text, text, int8),
    pgq.find_tick_helper(int4, int8, timestamptz, int8, int8, interval),
    pgq.register_consumer(text, text),
    pgq.register_consumer_at(text, text, bigint),
    pgq.unregister_consumer(text, text),
    pgq.next_batch_info(text, text),
    pgq.next_batch(text, text),
    pgq.next_batch_custom(text, text, interval, int4, interval),
    pgq.get_batch_events(bigint),
    pgq.get_batch_info(bigint),
    pgq.get_batch_cursor(bigint, text, int4, text),
    pgq.get_batch_cursor(bigint, text, int4),
    pgq.event_retry(bigint, bigint, timestamptz),
    pgq.event_retry(bigint, bigint, integer),
    pgq.event_retry_many(bigint, bigint[], timestamptz[]),
    pgq.event_retry_many(bigint, bigint[], integer),
    pgq.batch_retry(bigint, integer),
    pgq.force_tick(text),
    pgq.finish_batch(bigint)
    from public, pgq_reader, pgq_writer, pgq_admin;
grant execute on function
    pgq.batch_event_sql(bigint),
    pgq.batch_event_tables(bigint),
    pgq._batch_tables(bigint, bigint, text, integer, integer, bigint, bigint),
    pgq._batch_event_sql(integer, txid_snapshot, txid_snapshot, text[]),
    pgq._batch_tx_range(txid_snapshot, txid_snapshot),
    pgq._batch_event_where(),
    pgq._batch_first_chunk(int8, int8, boolean, text[], txid_snapshot, txid_snapshot, int4, int8, int4),
    pgq._next_batch_read(text, text, int8),
    pgq.find_tick_helper(int4, int8, timestamptz, int8, int8, interval),
    pgq.register_consumer(text, text),
    pgq.register_consumer_at(text, text, bigint),
    pgq.unregister_consumer(text, text),
    pgq.next_batch_info(text, text),
    pgq.next_batch(text, text),
    pgq.next_batch_custom(text, text, interval, int4, interval),
    pgq.get_batch_events(bigint),
    pgq.get_batch_info(bigint),
    pgq.get_batch_cursor(bigint, text, int4, text),
    pgq.get_batch_cursor(bigint, text, int4),
    pgq.event_retry(bigint, bigint, timestamptz),
    pgq.event_retry(bigint, bigint, integer),
    pgq.event_retry_many(bigint, bigint[], timestamptz[]),
    pgq.event_retry_many(bigint, bigint[], integer),
    pgq.batch_retry(bigint, integer),
    pgq.force_tick(text),
    pgq.finish_batch(bigint)
    to pgq_reader;

-- consumers (pgq-java): the errors of retried events
revoke all on function
    pgq._java_failure_owner(bigint, text, text),
    pgq._java_record_failures(bigint, text, text, bigint[], int4[], text[]),
    pgq._java_take_failures(bigint, text, text, bigint[])
    from public, pgq_reader, pgq_writer, pgq_admin;
grant execute on function
    pgq._java_record_failures(bigint, text, text, bigint[], int4[], text[]),
    pgq._java_take_failures(bigint, text, text, bigint[])
    to pgq_reader;

-- producers (the trigger functions are granted by the pgq_triggers component)
revoke all on function
    pgq.insert_event(text, text, text),
    pgq.insert_event(text, text, text, text, text, text, text),
    pgq.insert_events(text, text[], text[], text[], text[], text[], text[]),
    pgq.current_event_table(text),
    pgq._share_lock_queue(text)
    from public, pgq_reader, pgq_writer, pgq_admin;
grant execute on function
    pgq.insert_event(text, text, text),
    pgq.insert_event(text, text, text, text, text, text, text),
    pgq.insert_events(text, text[], text[], text[], text[], text[], text[]),
    pgq.current_event_table(text),
    pgq._share_lock_queue(text)
    to pgq_writer;

-- administration, ticker, maintenance
revoke all on function
    pgq.ticker(text, bigint, timestamptz, bigint),
    pgq.ticker(text),
    pgq.ticker(),
    pgq.maint_retry_events(),
    pgq.maint_rotate_tables_step1(text),
    pgq.maint_rotate_tables_step2(),
    pgq.maint_tables_to_vacuum(),
    pgq.maint_operations(),
    pgq.upgrade_schema(),
    pgq.grant_perms(text),
    pgq._grant_perms_from(text, text, text, text),
    pgq.tune_storage(text),
    pgq.seq_setval(text, int8),
    pgq.create_queue(text),
    pgq.drop_queue(text, bool),
    pgq.drop_queue(text),
    pgq.set_queue_config(text, text, text),
    pgq.insert_event_raw(text, bigint, timestamptz, integer, integer, text, text, text, text, text, text),
    pgq.event_retry_raw(text, text, timestamptz, bigint, timestamptz, integer, text, text, text, text, text, text),
    -- internal (pgq-java): reached through insert_event_raw / upgrade_schema / the trigger
    -- queue_insert_layout (a direct UPDATE of pgq.queue by pgq_admin); the generated bucket
    -- functions get their grants from pgq._insert_install_function
    pgq._insert_event_slow(text, int8, timestamptz, int4, int4, text, text, text, text, text, text),
    pgq._insert_check_flags(int4, text),
    pgq._insert_event_static(int8, int8, timestamptz, int4, int4, text, text, text, text, text, text, boolean),
    pgq._insert_event_dynamic(int4, int4, int8, timestamptz, int4, int4, text, text, text, text, text, text),
    pgq._create_role(text, text),
    pgq._generate_insert_static(),
    pgq._generate_insert_bucket(int4),
    pgq._late_events(text[], txid_snapshot)
    from public, pgq_reader, pgq_writer, pgq_admin;
grant execute on function
    pgq.ticker(text, bigint, timestamptz, bigint),
    pgq.ticker(text),
    pgq.ticker(),
    pgq.maint_retry_events(),
    pgq.maint_rotate_tables_step1(text),
    pgq.maint_rotate_tables_step2(),
    pgq.maint_tables_to_vacuum(),
    pgq.maint_operations(),
    pgq.upgrade_schema(),
    pgq.grant_perms(text),
    pgq._grant_perms_from(text, text, text, text),
    pgq.tune_storage(text),
    pgq.seq_setval(text, int8),
    pgq.create_queue(text),
    pgq.drop_queue(text, bool),
    pgq.drop_queue(text),
    pgq.set_queue_config(text, text, text),
    pgq.insert_event_raw(text, bigint, timestamptz, integer, integer, text, text, text, text, text, text),
    pgq.event_retry_raw(text, text, timestamptz, bigint, timestamptz, integer, text, text, text, text, text, text),
    pgq._insert_event_slow(text, int8, timestamptz, int4, int4, text, text, text, text, text, text),
    pgq._insert_check_flags(int4, text),
    pgq._insert_event_static(int8, int8, timestamptz, int4, int4, text, text, text, text, text, text, boolean),
    pgq._insert_event_dynamic(int4, int4, int8, timestamptz, int4, int4, text, text, text, text, text, text),
    pgq._create_role(text, text),
    pgq._generate_insert_static(),
    pgq._generate_insert_bucket(int4)
    to pgq_admin;

-- internal helpers only ever called by SECURITY DEFINER functions (as the owner)
revoke all on function
    pgq._insert_static_tree(text, int8[], text[], text[], boolean[], integer, integer, integer),
    pgq._insert_function_args(text),
    pgq._insert_install_bucket(int4),
    pgq._insert_install_dispatchers(),
    pgq._insert_install_function(text, text, text),
    pgq._queue_layout_changed(),
    pgq._config_int(text, text, integer),
    pgq._config_interval(text, text),
    pgq._config_bool(text, text),
    pgq._insert_event_source(text, text),
    pgq._insert_events_check_array(text, text[], int4),
    pgq._insert_cache_mac_expr(text, text),
    pgq._queue_layout_seq()
    from public, pgq_reader, pgq_writer, pgq_admin;
revoke all on sequence pgq.insert_layout_seq from public, pgq_reader, pgq_writer, pgq_admin;
grant select on sequence pgq.insert_layout_seq to public;

-- the ticker's lease (pgq-java): changed only through its functions, read by pgq status
revoke all on table pgq.ticker_lease from public, pgq_reader, pgq_writer, pgq_admin;
grant select on table pgq.ticker_lease to pgq_reader;
revoke all on function
    pgq._ticker_lease_take(bigint, text, interval),
    pgq._ticker_lease_release(bigint, text, bigint),
    pgq._ticker_leased(bigint, text, bigint, interval)
    from public, pgq_reader, pgq_writer, pgq_admin;
grant execute on function
    pgq._ticker_lease_take(bigint, text, interval),
    pgq._ticker_lease_release(bigint, text, bigint),
    pgq._ticker_leased(bigint, text, bigint, interval)
    to pgq_admin;

-- the lease of a plain consumer (pgq-java): changed only through its functions
revoke all on table pgq.consumer_lease from public, pgq_reader, pgq_writer, pgq_admin;
grant select on table pgq.consumer_lease to pgq_reader;
revoke all on function
    pgq._consumer_lease_key(text, text),
    pgq._consumer_lease_take(text, text, text, interval),
    pgq._consumer_lease_release(text, text, text, bigint),
    pgq._consumer_lease_finish_batch(text, text, text, bigint, bigint)
    from public, pgq_reader, pgq_writer, pgq_admin;
grant execute on function
    pgq._consumer_lease_take(text, text, text, interval),
    pgq._consumer_lease_release(text, text, text, bigint),
    pgq._consumer_lease_finish_batch(text, text, text, bigint, bigint)
    to pgq_reader;

-- opening a batch (pgq-java): called by next_batch_custom and _next_batch_read, which run as the
-- schema owner; nobody else calls it
revoke all on function
    pgq._open_batch(text, text, interval, int4, interval, int8)
    from public, pgq_reader, pgq_writer, pgq_admin;
