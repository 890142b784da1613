package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Names, argument names and types, OUT columns, SECURITY DEFINER and STRICT flags of the pgq
 * functions (reference §2, §6), read from pg_proc; and search_path pinning of SD functions.
 */
class SignatureTest extends SchemaTestCase {

    static final String EV = "ev_id bigint, ev_time timestamp with time zone, ev_txid bigint, ev_retry integer,"
            + " ev_type text, ev_data text, ev_extra1 text, ev_extra2 text, ev_extra3 text, ev_extra4 text";
    static final String NEXT = "batch_id bigint, cur_tick_id bigint, prev_tick_id bigint,"
            + " cur_tick_time timestamp with time zone, prev_tick_time timestamp with time zone,"
            + " cur_tick_event_seq bigint, prev_tick_event_seq bigint";
    static final String QUEUE_INFO = "queue_name text, queue_ntables integer, queue_cur_table integer,"
            + " queue_rotation_period interval, queue_switch_time timestamp with time zone, queue_external_ticker boolean,"
            + " queue_ticker_paused boolean, queue_ticker_max_count integer, queue_ticker_max_lag interval,"
            + " queue_ticker_idle_period interval, ticker_lag interval, ev_per_sec double precision, ev_new bigint,"
            + " last_tick_id bigint";
    static final String CONSUMER_INFO = "queue_name text, consumer_name text, lag interval, last_seen interval,"
            + " last_tick bigint, current_batch bigint, next_tick bigint, pending_events bigint";
    static final String TS = "timestamp with time zone";

    /** signature -> result, then SD / STRICT / IMMUTABLE / STABLE where the reference says so. */
    static final List<String> PGQ_FUNCTIONS = List.of(
            "create_queue(i_queue_name text) -> integer SD",
            "drop_queue(x_queue_name text, x_force boolean) -> integer SD",
            "drop_queue(x_queue_name text) -> integer STRICT",
            "set_queue_config(x_queue_name text, x_param_name text, x_param_value text) -> integer SD",
            // SD in pgq-java (the reference's is a plain SQL wrapper): it inserts itself, see
            // docs/sql-reference.md "Differences"
            "insert_event(queue_name text, ev_type text, ev_data text) -> bigint SD",
            "insert_event(queue_name text, ev_type text, ev_data text, ev_extra1 text, ev_extra2 text, ev_extra3 text,"
                    + " ev_extra4 text) -> bigint SD",
            // pgq-java addition: insert_event for many events, one INSERT ... SELECT
            "insert_events(queue_name text, ev_types text[], ev_datas text[], ev_extra1 text[], ev_extra2 text[],"
                    + " ev_extra3 text[], ev_extra4 text[]) -> bigint[] SD",
            "insert_event_raw(queue_name text, ev_id bigint, ev_time " + TS + ", ev_owner integer, ev_retry integer,"
                    + " ev_type text, ev_data text, ev_extra1 text, ev_extra2 text, ev_extra3 text, ev_extra4 text) -> bigint",
            "current_event_table(x_queue_name text) -> text",
            "register_consumer(x_queue_name text, x_consumer_id text) -> integer SD",
            "register_consumer_at(x_queue_name text, x_consumer_name text, x_tick_pos bigint) -> integer SD",
            "unregister_consumer(x_queue_name text, x_consumer_name text) -> integer SD",
            "next_batch_custom(i_queue_name text, i_consumer_name text, i_min_lag interval, i_min_count integer,"
                    + " i_min_interval interval) -> record(" + NEXT + ") SD",
            "find_tick_helper(i_queue_id integer, i_prev_tick_id bigint, i_prev_tick_time " + TS + ","
                    + " i_prev_tick_seq bigint, i_min_count bigint, i_min_interval interval)"
                    + " -> record(next_tick_id bigint, next_tick_time " + TS + ", next_tick_seq bigint) STABLE",
            "next_batch_info(i_queue_name text, i_consumer_name text) -> record(" + NEXT + ")",
            "next_batch(i_queue_name text, i_consumer_name text) -> bigint",
            "get_batch_events(x_batch_id bigint) -> SETOF record(" + EV + ")",
            "get_batch_cursor(i_batch_id bigint, i_cursor_name text, i_quick_limit integer, i_extra_where text)"
                    + " -> SETOF record(" + EV + ")",
            "get_batch_cursor(i_batch_id bigint, i_cursor_name text, i_quick_limit integer) -> SETOF record(" + EV + ") STRICT",
            "event_retry(x_batch_id bigint, x_event_id bigint, x_retry_time " + TS + ") -> integer SD",
            "event_retry(x_batch_id bigint, x_event_id bigint, x_retry_seconds integer) -> integer SD",
            // pgq-java addition: event_retry for many events of a batch, reading it once
            "event_retry_many(i_batch_id bigint, i_event_ids bigint[], i_retry_times " + TS + "[]) -> integer SD",
            "event_retry_many(i_batch_id bigint, i_event_ids bigint[], i_retry_seconds integer) -> integer SD",
            "batch_retry(i_batch_id bigint, i_retry_seconds integer) -> integer SD",
            "finish_batch(x_batch_id bigint) -> integer SD",
            "batch_event_sql(x_batch_id bigint) -> text",
            "batch_event_tables(x_batch_id bigint) -> SETOF text",
            "event_retry_raw(x_queue text, x_consumer text, x_retry_after " + TS + ", x_ev_id bigint, x_ev_time " + TS + ","
                    + " x_ev_retry integer, x_ev_type text, x_ev_data text, x_ev_extra1 text, x_ev_extra2 text,"
                    + " x_ev_extra3 text, x_ev_extra4 text) -> bigint SD",
            "get_queue_info() -> SETOF record(" + QUEUE_INFO + ")",
            "get_queue_info(i_queue_name text) -> SETOF record(" + QUEUE_INFO + ")",
            "get_consumer_info() -> SETOF record(" + CONSUMER_INFO + ") SD",
            "get_consumer_info(i_queue_name text) -> SETOF record(" + CONSUMER_INFO + ") SD",
            "get_consumer_info(i_queue_name text, i_consumer_name text) -> SETOF record(" + CONSUMER_INFO + ") SD",
            "get_batch_info(x_batch_id bigint) -> record(queue_name text, consumer_name text, batch_start " + TS + ","
                    + " batch_end " + TS + ", prev_tick_id bigint, tick_id bigint, lag interval, seq_start bigint,"
                    + " seq_end bigint) SD",
            "version() -> text",
            "ticker(i_queue_name text) -> bigint SD",
            "ticker() -> bigint SD",
            "ticker(i_queue_name text, i_tick_id bigint, i_orig_timestamp " + TS + ", i_event_seq bigint) -> bigint SD",
            "force_tick(i_queue_name text) -> bigint SD",
            "maint_retry_events() -> integer",
            "maint_rotate_tables_step1(i_queue_name text) -> integer",
            "maint_rotate_tables_step2() -> integer",
            "maint_tables_to_vacuum() -> SETOF text",
            "maint_operations() -> SETOF record(func_name text, func_arg text)",
            "upgrade_schema() -> integer",
            "grant_perms(x_queue_name text) -> integer SD",
            "_grant_perms_from(src_schema text, src_table text, dst_schema text, dst_table text) -> integer STRICT",
            "tune_storage(i_queue_name text) -> integer STRICT",
            "seq_getval(i_seq_name text) -> bigint STRICT",
            "seq_setval(i_seq_name text, i_new_value bigint) -> bigint STRICT",
            "quote_fqname(i_name text) -> text STRICT IMMUTABLE");

    static final List<String> TRIGGER_FUNCTIONS = List.of(
            "jsontriga() -> trigger", "logutriga() -> trigger", "sqltriga() -> trigger");

    /** Volatility is only specified for these; for the others it is not compared. */
    static final Set<String> VOLATILITY_SPECIFIED = Set.of("quote_fqname", "find_tick_helper");

    static final String DESCRIBE = """
            with a as (
              select p.oid, u.o, u.t, (p.proargnames)[u.o] as n, coalesce((p.proargmodes)[u.o], 'i') as m
              from pg_proc p, unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality u(t, o)
              where p.pronamespace = 'pgq'::regnamespace),
            s as (
              select p.oid,
                p.proname || '(' || coalesce((select string_agg(a.n || ' ' || format_type(a.t, null), ', ' order by a.o)
                  from a where a.oid = p.oid and a.m in ('i', 'b', 'v')), '') || ')' as sig,
                (select string_agg(a.n || ' ' || format_type(a.t, null), ', ' order by a.o)
                  from a where a.oid = p.oid and a.m in ('o', 'b', 't')) as outs
              from pg_proc p where p.pronamespace = 'pgq'::regnamespace)
            select p.proname, s.sig || ' -> ' || case when s.outs is null then pg_get_function_result(p.oid)
                  else (case when p.proretset then 'SETOF ' else '' end) || 'record(' || s.outs || ')' end
              || case when p.prosecdef then ' SD' else '' end || case when p.proisstrict then ' STRICT' else '' end,
              case p.provolatile when 'i' then ' IMMUTABLE' when 's' then ' STABLE' else '' end,
              p.oid::regprocedure::text, p.prosecdef, array_to_string(p.proconfig, '|')
            from s join pg_proc p on p.oid = s.oid order by 2
            """;


    @Test
    void pgqFunctionsHaveTheReferenceSignaturesAndFlags() throws SQLException {
        Set<String> expectedNames = names(PGQ_FUNCTIONS);
        List<String> actual = describe().stream().filter(r -> expectedNames.contains(r.get(0))).map(SignatureTest::line).toList();
        assertThat(actual).containsExactlyInAnyOrderElementsOf(PGQ_FUNCTIONS);
    }

    @Test
    void triggerFunctionsExist() throws SQLException {
        Set<String> expectedNames = names(TRIGGER_FUNCTIONS);
        List<String> actual = describe().stream().filter(r -> expectedNames.contains(r.get(0))).map(SignatureTest::line).toList();
        assertThat(actual).containsExactlyInAnyOrderElementsOf(TRIGGER_FUNCTIONS);
    }

    /**
     * §6 "Exact SD list"; besides it, only private helpers (name starting with '_', not
     * executable by PUBLIC) may be SECURITY DEFINER.
     */
    @Test
    void onlyTheReferenceListAndPrivateHelpersAreSecurityDefiner() throws SQLException {
        List<String> expected = PGQ_FUNCTIONS.stream().filter(l -> l.endsWith(" SD")).map(SignatureTest::signature).toList();
        List<List<String>> definers = describe().stream().filter(r -> "t".equals(r.get(4))).toList();
        assertThat(definers.stream().map(r -> signature(r.get(1))).toList())
                .as("SECURITY DEFINER functions in schema pgq").containsAll(expected);
        List<String> extra = new java.util.ArrayList<>();
        for (List<String> r : definers) {
            if (!expected.contains(signature(r.get(1)))) {
                boolean publicCanCall = "t".equals(sql.scalar("select exists (select 1 from pg_proc, aclexplode(coalesce(proacl,"
                        + " acldefault('f', proowner))) a where oid = ?::regprocedure and a.grantee = 0)", r.get(3)));
                if (!r.get(0).startsWith("_") || publicCanCall) {
                    extra.add(r.get(3) + (publicCanCall ? " (executable by PUBLIC)" : ""));
                }
            }
        }
        assertThat(extra).as("SECURITY DEFINER functions beyond §6 that are not private helpers").isEmpty();
    }

    @Test
    void everySecurityDefinerFunctionPinsSearchPathEndingWithPgTemp() throws SQLException {
        Map<String, String> unpinned = describe().stream().filter(r -> "t".equals(r.get(4)))
                .filter(r -> !pinned(r.get(5)))
                .collect(Collectors.toMap(r -> r.get(3), r -> String.valueOf(r.get(5))));
        assertThat(unpinned).as("SD functions whose proconfig lacks search_path=..., pg_temp").isEmpty();
    }

    private static boolean pinned(String proconfig) {
        if (proconfig == null) {
            return false;
        }
        for (String setting : proconfig.split("\\|")) {
            if (setting.startsWith("search_path=")) {
                String value = setting.substring("search_path=".length()).replace("\"", "").trim();
                return value.endsWith("pg_temp") && !value.contains("$user") && !value.contains("public");
            }
        }
        return false;
    }

    private List<List<String>> describe() throws SQLException {
        return sql.rows(DESCRIBE);
    }

    private static String line(List<String> row) {
        return row.get(1) + (VOLATILITY_SPECIFIED.contains(row.get(0)) ? row.get(2) : "");
    }

    private static String signature(String line) {
        return line.substring(0, line.indexOf(" -> "));
    }

    private static Set<String> names(List<String> lines) {
        return lines.stream().map(l -> l.substring(0, l.indexOf('('))).collect(Collectors.toSet());
    }
}
