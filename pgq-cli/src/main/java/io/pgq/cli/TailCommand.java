package io.pgq.cli;

import com.codahale.metrics.Meter;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.codahale.metrics.MetricRegistry;
import io.pgq.consumer.ConsumerMetrics;
import io.pgq.core.ConsumerPosition;
import io.pgq.core.Health;
import io.pgq.prometheus.PgqMetricsServer;
import java.util.LinkedHashMap;
import java.util.Map;
import io.pgq.core.Pgq;
import io.pgq.ticker.TickerConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.postgresql.PGConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pgq tail QUEUE}: follows events as they arrive, like {@code tail -f}. Uses a temporary
 * consumer that is unregistered on exit, unless {@code --consumer} names a lasting one.
 */
@Command(name = "tail", mixinStandardHelpOptions = true, description = "Follow a queue's events as they arrive (needs a "
        + "ticker); with --group, a topic's events as a member of the group.")
class TailCommand implements Callable<Integer> {

    @Mixin
    Database database;
    @Parameters(paramLabel = "QUEUE", description = "Queue to follow (a topic with --group).")
    String queue;
    @Option(names = "--group", paramLabel = "GROUP", description = "Follow topic QUEUE as a member of this group: "
            + "tails in one group share the partitions; the member leaves the group on exit.")
    String group;
    @Option(names = "--format", paramLabel = "FORMAT", description = "text (tab-separated, the default) or json "
            + "(one object per line).")
    String format = "text";
    @Option(names = "--consumer", paramLabel = "NAME", description = "Read as this registered consumer (kept on exit) instead of a temporary one.")
    String consumer;
    @Option(names = "--from", paramLabel = "POSITION", description = "Where to start: " + PositionArgument.FORMS + " (default: latest).")
    String from;
    @Option(names = "--limit", paramLabel = "N", description = "Exit after N events.")
    Long limit;
    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Exit after this long.")
    Duration timeout;

    /** How long SIGINT/SIGTERM wait for the temporary consumer to be unregistered. */
    private static final Duration CLEANUP_WAIT = Duration.ofSeconds(15);
    /** /health says unhealthy when no poll of the queue succeeded for this long. */
    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(30);

    @Mixin
    MetricsPort metricsPort;
    private final MetricRegistry metrics = new MetricRegistry();
    private volatile long lastPollNanos = System.nanoTime();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws SQLException {
        if (limit != null) {
            Options.atLeast("--limit", limit, 1);
        }
        metricsPort.validate();
        if (!format.equals("text") && !format.equals("json")) {
            throw new CliException("--format must be text or json, got '" + format + "'");
        }
        if (group != null) {
            return followGroup();
        }
        ConsumerPosition position = from == null ? null : PositionArgument.parse(from);
        boolean temporary = consumer == null;
        String name = temporary ? "pgq-tail-" + ProcessHandle.current().pid() : consumer;
        try (Pgq pgq = database.client(); OrderlyExit exit = OrderlyExit.install("pgq-tail", CLEANUP_WAIT, () -> { })) {
            if (pgq.topics().topic(queue).isPresent()) {
                throw new CliException(queue + " is a topic: follow it as a member of a group with --group GROUP");
            }
            if (position != null) {
                pgq.admin().registerConsumer(queue, name, position);
            } else if (temporary || pgq.admin().consumer(queue, name).isEmpty()) {
                pgq.admin().registerConsumer(queue, name, ConsumerPosition.latest());
            }
            Meter events = metrics.meter(ConsumerMetrics.events(queue, name));
            try (PgqMetricsServer server = metricsPort.start(metrics, Map.of("tail " + queue, () -> health(name)),
                    System.err)) {
                follow(pgq, name, exit, events);
            } finally {
                if (temporary) {
                    pgq.admin().unregisterConsumer(queue, name);
                }
            }
        }
        return 0;
    }

    /** {@code --group}: a member of the topic's group until the exit, the limit or the timeout. */
    private Integer followGroup() {
        if (consumer != null || from != null || metricsPort.port != null) {
            throw new CliException("--group cannot be combined with --consumer, --from or --metrics-port: a group starts "
                    + "at the newest events and keeps its own positions");
        }
        try (Pgq pgq = database.client(); OrderlyExit exit = OrderlyExit.install("pgq-tail", CLEANUP_WAIT, () -> { })) {
            new TopicTail(queue, group, format.equals("json"), limit).run(pgq, exit, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private Health health(String name) {
        Duration since = Duration.ofNanos(System.nanoTime() - lastPollNanos);
        return since.compareTo(HEALTHY_WITHIN) <= 0 ? Health.healthy("following queue " + queue + " as " + name)
                : Health.unhealthy("no successful poll of queue " + queue + " for " + Tables.duration(since));
    }

    private void follow(Pgq pgq, String name, OrderlyExit exit, Meter events) throws SQLException {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        long printed = 0;
        try (Connection c = pgq.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("LISTEN " + TickerConfig.NOTIFY_CHANNEL);
            while (!exit.stopRequested() && System.nanoTime() < deadline && (limit == null || printed < limit)) {
                Long batch = nextBatch(c, name);
                lastPollNanos = System.nanoTime();
                if (batch == null) {
                    c.unwrap(PGConnection.class).getNotifications(250);
                    continue;
                }
                long n = print(c, batch, limit == null ? Long.MAX_VALUE : limit - printed);
                events.mark(n);
                printed += n;
                st.execute("SELECT pgq.finish_batch(" + batch + ")");
            }
        }
    }

    private Long nextBatch(Connection c, String name) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT pgq.next_batch(?, ?)")) {
            st.setString(1, queue);
            st.setString(2, name);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                long id = rs.getLong(1);
                return rs.wasNull() ? null : id;
            }
        }
    }

    private long print(Connection c, long batch, long max) throws SQLException {
        long n = 0;
        try (PreparedStatement st = c.prepareStatement("SELECT ev_id, ev_time, ev_type, ev_data, ev_extra1, ev_extra2, "
                + "ev_extra3, ev_extra4, ev_retry FROM pgq.get_batch_events(?)")) {
            st.setLong(1, batch);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next() && n < max) {
                    if (format.equals("json")) {
                        System.out.println(json(rs));
                        n++;
                        continue;
                    }
                    StringBuilder line = new StringBuilder().append(rs.getLong(1)).append('\t')
                            .append(rs.getString(2)).append('\t').append(rs.getString(3)).append('\t').append(rs.getString(4));
                    for (int i = 5; i <= 8; i++) {
                        if (rs.getString(i) != null) {
                            line.append("\textra").append(i - 4).append('=').append(rs.getString(i));
                        }
                    }
                    if (rs.getObject(9) != null) {
                        line.append("\tretry=").append(rs.getInt(9));
                    }
                    System.out.println(line);
                    n++;
                }
            }
        }
        System.out.flush();
        return n;
    }

    private String json(ResultSet rs) throws SQLException {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("queue", queue);
        line.put("id", rs.getLong(1));
        line.put("time", rs.getString(2));
        line.put("type", rs.getString(3));
        line.put("data", rs.getString(4));
        for (int i = 5; i <= 8; i++) {
            if (rs.getString(i) != null) {
                line.put("extra" + (i - 4), rs.getString(i));
            }
        }
        if (rs.getObject(9) != null) {
            line.put("retry", rs.getInt(9));
        }
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write event " + rs.getLong(1) + " as JSON", e);
        }
    }
}
