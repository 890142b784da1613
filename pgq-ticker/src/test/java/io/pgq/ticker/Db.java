package io.pgq.ticker;

import io.pgq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Test support: short SQL helpers. */
final class Db {

    /**
     * How long a test waits for something that is bound to happen. Generous on purpose: on a busy
     * machine a wait only lasts longer, it never turns a test red; a passing wait returns at once.
     */
    static final java.time.Duration WAIT = java.time.Duration.ofMinutes(2);

    private Db() {
    }

    static void execute(TestDatabase db, String... sqls) {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String sql : sqls) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long scalarLong(TestDatabase db, String sql) {
        String s = scalar(db, sql);
        return s == null ? 0 : Long.parseLong(s);
    }

    static String scalar(TestDatabase db, String sql) {
        List<String> rows = column(db, sql);
        return rows.isEmpty() ? null : rows.get(0);
    }

    static List<String> column(TestDatabase db, String sql) {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Retries the one event of {@code batch} at once (no delay) and finishes the batch. */
    static void retryNowAndFinish(TestDatabase db, long batch) {
        execute(db, "SELECT pgq.event_retry(" + batch + ", (SELECT ev_id FROM pgq.get_batch_events(" + batch + ")), 0)",
                "SELECT pgq.finish_batch(" + batch + ")");
    }

    static long lastTick(TestDatabase db, String queue) {
        return scalarLong(db, "SELECT last_tick_id FROM pgq.get_queue_info('" + queue + "')");
    }
}
