package io.pgq.consumer;

import com.codahale.metrics.MetricRegistry;
import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import io.pgq.core.QueueSettings;
import io.pgq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/** Test support: clients, queues that tick at once, a ticker thread, SQL one-liners. */
final class TestSupport {

    /**
     * How long a test waits for something that is bound to happen. Generous on purpose: on a busy
     * machine a wait only lasts longer, it never turns a test red; a passing wait returns at once.
     */
    static final Duration WAIT = Duration.ofMinutes(2);

    private TestSupport() {
    }

    static Pgq client(TestDatabase db) {
        return client(db, new MetricRegistry());
    }

    static Pgq client(TestDatabase db, MetricRegistry registry) {
        return Pgq.create(PgqConfig.builder().jdbcUrl(db.jdbcUrl()).username(db.user()).password(db.password())
                .maximumPoolSize(12).installSchema(false).metricRegistry(registry).build());
    }

    /** A queue the ticker ticks as soon as it has new events (and backs off when idle). */
    static void createQueue(Pgq pgq, String queue) {
        pgq.admin().createQueue(queue, QueueSettings.builder().tickerMaxLag(Duration.ZERO)
                .tickerIdlePeriod(Duration.ofMinutes(1)).build());
    }

    /** Ticks every queue that needs it and moves due retries back, like the ticker daemon would. */
    /** Creates a topic whose partitions tick as soon as they have an event ({@code ticker_max_lag} 0). */
    static void createEagerTopic(Pgq pgq, DataSource ds, String topic, int partitions) throws SQLException {
        createEagerTopic(pgq, ds, topic, partitions, null);
    }

    /** {@link #createEagerTopic} whose idle partitions tick every {@code idlePeriod} (a PostgreSQL interval). */
    static void createEagerTopic(Pgq pgq, DataSource ds, String topic, int partitions, String idlePeriod) throws SQLException {
        pgq.topics().createTopic(topic, partitions);
        for (int p = 0; p < partitions; p++) {
            String queue = io.pgq.core.TopicRouting.partitionQueue(topic, p);
            execute(ds, "SELECT pgq.set_queue_config(?, 'ticker_max_lag', '0')", queue);
            if (idlePeriod != null) {
                execute(ds, "SELECT pgq.set_queue_config(?, 'ticker_idle_period', ?)", queue, idlePeriod);
            }
        }
    }

    static void tick(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            while (true) {
                try (ResultSet rs = st.executeQuery("SELECT pgq.maint_retry_events()")) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        break;
                    }
                }
            }
            st.execute("SELECT pgq.ticker()");
        }
    }

    static long scalar(DataSource ds, String sql, Object... args) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static void execute(DataSource ds, String sql, Object... args) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            st.execute();
        }
    }

    static List<String> strings(DataSource ds, String sql, Object... args) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** The dead letters in a dead-letter queue's tables (consumed or not), in id order. */
    static List<DeadLetter> deadLettersIn(DataSource ds, String deadLetterQueue) throws SQLException {
        List<DeadLetter> out = new ArrayList<>();
        String table = strings(ds, "SELECT queue_data_pfx FROM pgq.queue WHERE queue_name = ?", deadLetterQueue).get(0);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT ev_id, ev_data FROM " + table + " ORDER BY ev_id")) {
            while (rs.next()) {
                out.add(io.pgq.consumer.internal.DeadLetterCodec.decode(rs.getLong(1), rs.getString(2)));
            }
        }
        return out;
    }

    /**
     * A ticker daemon stand-in: every 20 ms moves due retries back, ticks, and (if asked) sends
     * {@code NOTIFY pgq_tick} with an empty payload after a tick.
     */
    static final class Ticker implements AutoCloseable {
        private final DataSource ds;
        private final boolean notify;
        private final Thread thread;
        private final AtomicLong ticks = new AtomicLong();
        private volatile boolean stopped;

        Ticker(DataSource ds, boolean notify) {
            this.ds = ds;
            this.notify = notify;
            this.thread = new Thread(this::run, "test-ticker");
            this.thread.setDaemon(true);
            this.thread.start();
        }

        long ticks() {
            return ticks.get();
        }

        private void run() {
            while (!stopped) {
                try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                    while (!stopped) {
                        while (true) {
                            try (ResultSet rs = st.executeQuery("SELECT pgq.maint_retry_events()")) {
                                rs.next();
                                if (rs.getInt(1) == 0) {
                                    break;
                                }
                            }
                        }
                        try (ResultSet rs = st.executeQuery("SELECT pgq.ticker()")) {
                            rs.next();
                            if (rs.getLong(1) > 0) {
                                ticks.incrementAndGet();
                                if (notify) {
                                    st.execute("NOTIFY pgq_tick");
                                }
                            }
                        }
                        Thread.sleep(20);
                    }
                } catch (SQLException e) {
                    sleepQuietly();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private static void sleepQuietly() {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws InterruptedException {
            stopped = true;
            thread.interrupt();
            thread.join(5_000);
        }
    }
}
