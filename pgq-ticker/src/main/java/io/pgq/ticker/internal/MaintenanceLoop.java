package io.pgq.ticker.internal;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.pgq.core.internal.ServiceLoop;
import io.pgq.schema.internal.SqlStates;
import io.pgq.schema.internal.jooq.pgq.Tables;
import io.pgq.schema.internal.jooq.pgq.tables.records.MaintOperationsRecord;
import io.pgq.ticker.TickerConfig;
import io.pgq.ticker.TickerMetrics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.jooq.Configuration;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * While this instance is the leader: runs the maintenance operations {@code pgq.maint_operations()}
 * lists every maintenance period, each in its own transaction (so rotation steps 1 and 2 are
 * separate), repeating an operation while it returns non-zero. Retry events are moved by the tick
 * loop ({@link RetryMover}), whose own session the idle check leaves out.
 */
public final class MaintenanceLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceLoop.class);
    private static final long IDLE_CHECK_MILLIS = 100;
    private static final int MAX_REPEATS = 1_000;

    private final String name;
    private final DataSource dataSource;
    private final TickerConfig config;
    private final BooleanSupplier isLeader;
    private final Meter maintenance;
    private final ServiceLoop loop;

    private volatile boolean running = true;
    private Connection connection;
    private long nextMaintenanceNanos;

    public MaintenanceLoop(String name, DataSource dataSource, TickerConfig config, MetricRegistry metrics,
                           BooleanSupplier isLeader) {
        this.name = name;
        this.dataSource = dataSource;
        this.config = config;
        this.isLeader = isLeader;
        this.maintenance = metrics.meter(TickerMetrics.maintenance(name));
        this.loop = ServiceLoop.builder("maintenance for database " + name, LOG, this::step)
                .stopping(() -> !running)
                .unhealthyAfter(config.unhealthyAfter())
                .errors(metrics.meter(TickerMetrics.errors(name)))
                .onFailure(failure -> disconnect())
                .build();
    }

    @Override
    public void run() {
        loop.run();
        disconnect();
    }

    private boolean step() throws SQLException, InterruptedException {
        if (isLeader.getAsBoolean()) {
            try {
                runDueWork();
            } catch (SQLException | RuntimeException e) {
                if (!SqlStates.isMissingSchema(SqlStates.of(e))) {
                    throw e;
                }
                // no pgq schema yet: the tick loop reports it; nothing to maintain
            }
        }
        Thread.sleep(IDLE_CHECK_MILLIS);
        return true;
    }

    /** False while the loop has been failing for longer than the unhealthy threshold. */
    public boolean isHealthy() {
        return loop.isHealthy();
    }

    private void runDueWork() throws SQLException {
        long now = System.nanoTime();
        if (now - nextMaintenanceNanos >= 0) {
            runMaintenance();
            nextMaintenanceNanos = now + config.maintenancePeriod().toNanos();
        }
    }

    private void runMaintenance() throws SQLException {
        for (MaintOperationsRecord op : Tables.MAINT_OPERATIONS(jooq())) {
            runOperation(op.getFuncName(), op.getFuncArg());
        }
    }

    private Configuration jooq() throws SQLException {
        return DSL.using(connection(), SQLDialect.POSTGRES).configuration();
    }

    private void runOperation(String function, String argument) throws SQLException {
        if (function.toLowerCase(Locale.ROOT).startsWith("vacuum")) {
            try (Statement st = connection().createStatement()) {
                st.execute(function + " " + quoteQualified(argument));
            }
            maintenance.mark();
            return;
        }
        String sql = "SELECT " + quoteQualified(function) + (argument == null ? "()" : "(?)");
        for (int i = 0; i < MAX_REPEATS && running; i++) {
            maintenance.mark();
            LOG.debug("Maintenance of database {}: {}({})", name, function, argument);
            if (callOnce(sql, argument) == 0) {
                return;
            }
        }
    }

    /** Plain JDBC: the function's name comes from maint_operations() at run time, not from the generated API. */
    private long callOnce(String sql, String argument) throws SQLException {
        try (PreparedStatement st = connection().prepareStatement(sql)) {
            if (argument != null) {
                st.setString(1, argument);
            }
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return 0;
                }
                Object value = rs.getObject(1);
                return value instanceof Number n ? n.longValue() : 0;
            }
        }
    }

    /** {@code schema.name} with both parts quoted as identifiers. */
    static String quoteQualified(String name) {
        StringBuilder s = new StringBuilder();
        for (String part : name.split("\\.", 2)) {
            s.append(s.length() == 0 ? "" : ".").append('"').append(part.replace("\"", "\"\"")).append('"');
        }
        return s.toString();
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
            try (Statement st = connection.createStatement()) {
                st.execute("SET application_name = 'pgq-ticker-maintenance'");
            }
        }
        return connection;
    }

    private void disconnect() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    public void stop() {
        running = false;
    }
}
