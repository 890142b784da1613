-- Privileges (reference §6).  Every listed object first loses all privileges of PUBLIC and
-- the three pgq roles, then gets exactly its grant.  PostgreSQL grants EXECUTE to PUBLIC on
-- new functions, hence the REVOKE also on functions meant for one role only.

GRANT USAGE ON SCHEMA pgq TO public;

-- tables
REVOKE ALL ON TABLE pgq.consumer, pgq.queue, pgq.tick, pgq.subscription
    FROM public, pgq_reader, pgq_writer, pgq_admin;
GRANT SELECT ON TABLE pgq.consumer, pgq.queue, pgq.tick, pgq.subscription TO public, pgq_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE pgq.consumer, pgq.queue, pgq.tick, pgq.subscription TO pgq_admin;

REVOKE ALL ON TABLE pgq.event_template FROM public, pgq_reader, pgq_writer, pgq_admin;
GRANT SELECT ON TABLE pgq.event_template TO pgq_reader;
GRANT SELECT, INSERT, TRUNCATE ON TABLE pgq.event_template TO pgq_admin;

REVOKE ALL ON TABLE pgq.retry_queue FROM public, pgq_reader, pgq_writer, pgq_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE pgq.retry_queue TO pgq_admin;

-- (pgq-java) written only by SECURITY DEFINER functions
REVOKE ALL ON TABLE pgq.event_failure FROM public, pgq_reader, pgq_writer, pgq_admin;
GRANT SELECT ON TABLE pgq.event_failure TO pgq_admin;
-- (pgq-java) the key of insert_event's signed session cache: the schema owner's only
REVOKE ALL ON SEQUENCE pgq.insert_key_a, pgq.insert_key_b FROM public, pgq_reader, pgq_writer, pgq_admin;

-- public functions
REVOKE ALL ON FUNCTION
    pgq.seq_getval(text),
    pgq.get_queue_info(),
    pgq.get_queue_info(text),
    pgq.get_consumer_info(),
    pgq.get_consumer_info(text),
    pgq.get_consumer_info(text, text),
    pgq.quote_fqname(text),
    pgq.version()
    FROM public, pgq_reader, pgq_writer, pgq_admin;
GRANT EXECUTE ON FUNCTION
    pgq.seq_getval(text),
    pgq.get_queue_info(),
    pgq.get_queue_info(text),
    pgq.get_consumer_info(),
    pgq.get_consumer_info(text),
    pgq.get_consumer_info(text, text),
    pgq.quote_fqname(text),
    pgq.version()
    TO public;

-- consumers
REVOKE ALL ON FUNCTION
    pgq.batch_event_sql(bigint),
    pgq.batch_event_tables(bigint),
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
    FROM public, pgq_reader, pgq_writer, pgq_admin;
GRANT EXECUTE ON FUNCTION
    pgq.batch_event_sql(bigint),
    pgq.batch_event_tables(bigint),
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
    TO pgq_reader;

-- consumers (pgq-java): the errors of retried events
REVOKE ALL ON FUNCTION
    pgq._java_failure_owner(bigint, text, text),
    pgq._java_record_failures(bigint, text, text, bigint[], int4[], text[]),
    pgq._java_take_failures(bigint, text, text, bigint[])
    FROM public, pgq_reader, pgq_writer, pgq_admin;
GRANT EXECUTE ON FUNCTION
    pgq._java_record_failures(bigint, text, text, bigint[], int4[], text[]),
    pgq._java_take_failures(bigint, text, text, bigint[])
    TO pgq_reader;

-- producers (the trigger functions are granted by the pgq_triggers component)
REVOKE ALL ON FUNCTION
    pgq.insert_event(text, text, text),
    pgq.insert_event(text, text, text, text, text, text, text),
    pgq.insert_events(text, text[], text[], text[], text[], text[], text[]),
    pgq.current_event_table(text),
    pgq._share_lock_queue(text)
    FROM public, pgq_reader, pgq_writer, pgq_admin;
GRANT EXECUTE ON FUNCTION
    pgq.insert_event(text, text, text),
    pgq.insert_event(text, text, text, text, text, text, text),
    pgq.insert_events(text, text[], text[], text[], text[], text[], text[]),
    pgq.current_event_table(text),
    pgq._share_lock_queue(text)
    TO pgq_writer;

-- administration, ticker, maintenance
REVOKE ALL ON FUNCTION
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
    pgq._generate_insert_bucket(int4)
    FROM public, pgq_reader, pgq_writer, pgq_admin;
GRANT EXECUTE ON FUNCTION
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
    TO pgq_admin;

-- internal helpers only ever called by SECURITY DEFINER functions (as the owner)
REVOKE ALL ON FUNCTION
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
    pgq._insert_cache_mac_expr(),
    pgq._queue_layout_seq()
    FROM public, pgq_reader, pgq_writer, pgq_admin;
REVOKE ALL ON SEQUENCE pgq.insert_layout_seq FROM public, pgq_reader, pgq_writer, pgq_admin;
GRANT SELECT ON SEQUENCE pgq.insert_layout_seq TO public;

-- the ticker's lease (pgq-java): changed only through its functions, read by pgq status
REVOKE ALL ON TABLE pgq.ticker_lease FROM public, pgq_reader, pgq_writer, pgq_admin;
GRANT SELECT ON TABLE pgq.ticker_lease TO pgq_reader;
REVOKE ALL ON FUNCTION
    pgq._ticker_lease_take(bigint, text, interval),
    pgq._ticker_lease_release(bigint, text, bigint),
    pgq._ticker_leased(bigint, text, bigint, interval)
    FROM public, pgq_reader, pgq_writer, pgq_admin;
GRANT EXECUTE ON FUNCTION
    pgq._ticker_lease_take(bigint, text, interval),
    pgq._ticker_lease_release(bigint, text, bigint),
    pgq._ticker_leased(bigint, text, bigint, interval)
    TO pgq_admin;
