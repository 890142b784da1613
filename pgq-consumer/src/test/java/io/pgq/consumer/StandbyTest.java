package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.createQueue;
import static io.pgq.consumer.TestSupport.execute;
import static io.pgq.consumer.TestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgq.core.OutgoingEvent;
import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import io.pgq.core.PgqException;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PgBouncer;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Two instances of one plain consumer (same queue, same name): one works, the other stands by
 * and takes over when the first stops, dies or is cut off; no event is handled twice while both
 * run, and an instance that lost its lease never finishes a batch.
 */
class StandbyTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static TestDatabase db;
    static TestSupport.Ticker ticker;

    @BeforeAll
    static void setUp(TestDatabase database) {
        db = database;
        ticker = new TestSupport.Ticker(db.dataSource(), true);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        ticker.close();
    }

    /** Who handled which event how often: "instance:data" -> count. */
    static final class Handlings {
        final Map<String, AtomicInteger> byEvent = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> byInstance = new ConcurrentHashMap<>();

        Outcome record(String instance, Event<String> e) {
            byEvent.computeIfAbsent(e.data(), k -> new AtomicInteger()).incrementAndGet();
            byInstance.computeIfAbsent(instance, k -> new AtomicInteger()).incrementAndGet();
            return Outcome.done();
        }

        int total() {
            return byEvent.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        int of(String instance) {
            AtomicInteger n = byInstance.get(instance);
            return n == null ? 0 : n.get();
        }

        List<String> twice() {
            return byEvent.entrySet().stream().filter(en -> en.getValue().get() > 1).map(Map.Entry::getKey).toList();
        }
    }

    private static ConsumerConfig.Builder config(String queue) {
        return ConsumerConfig.builder(queue, "c").pollInterval(Duration.ofMillis(50)).listen(false);
    }

    private static void send(Pgq pgq, String queue, int from, int to) {
        pgq.producer().sendAll(queue, IntStream.range(from, to).mapToObj(i -> OutgoingEvent.of("e", "e" + i)).toList());
    }

    /** The lease's owner, "-" when none. */
    private static String holder(String queue) {
        try {
            List<String> owners = TestSupport.strings(db.dataSource(), "SELECT coalesce(l.cl_owner, '-') "
                    + "FROM pgq.consumer_lease l JOIN pgq.queue q ON q.queue_id = l.cl_queue WHERE q.queue_name = ?",
                    queue);
            return owners.isEmpty() ? "-" : owners.get(0);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void await(String what, BooleanSupplier condition, Supplier<String> progress) throws InterruptedException {
        long deadline = System.nanoTime() + TestSupport.WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("%s; so far: %s", what, progress.get()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /**
     * Starts two instances through {@code a} and {@code b}: every event is handled once, all by
     * the first, while both run; the second takes over as soon as the first stops.
     */
    static void twoInstancesOneWorks(Pgq a, Pgq b, String queue, int events) throws Exception {
        Handlings h = new Handlings();
        // a long lease: a take-over within it can only come from the release at stop
        ConsumerConfig config = config(queue).sessionTimeout(Duration.ofMinutes(5)).build();
        PgqConsumer first = PgqConsumer.builder(a, config).handler("e", String.class, e -> h.record("first", e)).build();
        PgqConsumer second = PgqConsumer.builder(b, config).handler("e", String.class, e -> h.record("second", e))
                .build();
        try {
            first.start();
            await("the first instance holds the lease", () -> first.health().reason().endsWith("is running"),
                    () -> first.health().reason());
            second.start();
            assertThat(second.health().healthy()).as("a standby is healthy").isTrue();
            send(a, queue, 0, events / 2);
            send(b, queue, events / 2, events);
            await(events + " handlings", () -> h.total() >= events, () -> h.total() + " handlings");
            Thread.sleep(300);   // time for a second handling to show up, if there were one
            assertThat(h.twice()).as("handled twice while both run").isEmpty();
            assertThat(h.total()).isEqualTo(events);
            assertThat(h.of("second")).as("the standby handled nothing").isZero();
            assertThat(second.health().reason()).contains("standing by");

            long stopped = System.nanoTime();
            assertThat(first.stop(Duration.ofSeconds(30))).isTrue();
            send(a, queue, events, events + 10);
            await("the standby takes over", () -> h.of("second") >= 10, () -> h.of("second") + " handled by it");
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stopped))
                    .as("taken over after the release, long before the 5 min lease ran out").isLessThan(120);
            assertThat(h.twice()).isEmpty();
            assertThat(h.total()).isEqualTo(events + 10);
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void aSecondInstanceStandsByAndTakesOverAtOnceWhenTheFirstStops() throws Exception {
        try (Pgq a = TestSupport.client(db); Pgq b = TestSupport.client(db)) {
            createQueue(a, "sb_stop");
            a.admin().registerConsumer("sb_stop", "c");
            twoInstancesOneWorks(a, b, "sb_stop", 500);
            assertThat(holder("sb_stop")).as("released at stop").isEqualTo("-");
        }
    }

    @Test
    void aStandbyTakesOverWhenTheHolderIsKilledAndItsLeaseRunsOut() throws Exception {
        try (Pgq pgq = TestSupport.client(db)) {
            createQueue(pgq, "sb_kill");
            pgq.admin().registerConsumer("sb_kill", "c");
            execute(db.dataSource(), "CREATE TABLE IF NOT EXISTS effects (ev_id bigint, member text)");
            Handlings h = new Handlings();
            PgqConsumer standby = PgqConsumer.builder(pgq, config("sb_kill").sessionTimeout(Duration.ofSeconds(2)).build())
                    .handler("e", String.class, e -> h.record("standby", e)).build();
            try (ChildJvm first = ChildJvm.start("sb-kill", "128m", db, "sb_kill", "c", "alo", "0", "-", "0", "2000")) {
                await("the child holds the lease", () -> !holder("sb_kill").equals("-"), () -> "no holder");
                standby.start();
                send(pgq, "sb_kill", 0, 50);
                await("the child handles 50 events", () -> count("SELECT count(*) FROM effects") >= 50,
                        () -> count("SELECT count(*) FROM effects") + " handled");
                assertThat(h.total()).as("the standby handled nothing").isZero();
                first.kill();
            }
            send(pgq, "sb_kill", 50, 60);
            await("the standby takes over after the 2 s lease",
                    () -> IntStream.range(50, 60).allMatch(i -> h.byEvent.containsKey("e" + i)), () -> h.byEvent.keySet()
                            + " handled");
            // at least once: a batch the child had in hand when killed is delivered again, nothing else
            assertThat(h.twice()).isEmpty();
            assertThat(count("SELECT count(*) FROM effects")).isEqualTo(50);
            standby.close();
        }
    }

    private static long count(String sql) {
        try {
            return scalar(db.dataSource(), sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anInstanceCutOffPastItsLeaseCannotFinishItsBatch() throws Exception {
        execute(db.dataSource(), "CREATE TABLE cut_effects (ev_data text, instance text)");
        Partition cut = new Partition(db.dataSource());
        try (Pgq a = Pgq.create(PgqConfig.builder().dataSource(cut).installSchema(false).build());
             Pgq b = TestSupport.client(db)) {
            createQueue(b, "sb_cut");
            b.admin().registerConsumer("sb_cut", "c");
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger firstHandled = new AtomicInteger();
            ConsumerConfig config = config("sb_cut").deliveryMode(DeliveryMode.EXACTLY_ONCE)
                    .sessionTimeout(Duration.ofSeconds(1)).heartbeatInterval(Duration.ofMillis(200)).build();
            PgqConsumer first = PgqConsumer.builder(a, config).handler("e", String.class, e -> {
                write(e, "cut_effects", "first");
                firstHandled.incrementAndGet();
                entered.countDown();
                release.await();   // frozen in the handler while the lease runs out
                return Outcome.done();
            }).build();
            PgqConsumer second = PgqConsumer.builder(b, config).handler("e", String.class, e -> {
                write(e, "cut_effects", "second");
                return Outcome.done();
            }).build();
            try {
                first.start();
                send(b, "sb_cut", 0, 10);
                assertThat(entered.await(TestSupport.WAIT.toSeconds(), TimeUnit.SECONDS)).as("first in its batch").isTrue();
                cut.cut();   // the first instance's renewals fail from now on
                second.start();
                await("the second takes over and handles the batch", () -> count("SELECT count(*) FROM cut_effects") >= 10,
                        () -> count("SELECT count(*) FROM cut_effects") + " committed effects");
                release.countDown();
                cut.heal();
                send(b, "sb_cut", 10, 20);
                await("20 committed effects", () -> count("SELECT count(*) FROM cut_effects") >= 20,
                        () -> count("SELECT count(*) FROM cut_effects") + " committed effects");
                Thread.sleep(500);
                assertThat(count("SELECT count(*) FROM cut_effects")).isEqualTo(20);
                assertThat(count("SELECT count(DISTINCT ev_data) FROM cut_effects")).isEqualTo(20);
                assertThat(count("SELECT count(*) FROM cut_effects WHERE instance = 'first'"))
                        .as("nothing of the cut-off instance committed").isZero();
                assertThat(firstHandled.get()).isEqualTo(1);
                assertThat(first.health().reason()).contains("standing by");
            } finally {
                release.countDown();
                cut.heal();
                first.close();
                second.close();
            }
        }
    }

    @Test
    void theDatabaseRefusesTheFinishOfAHolderWhoseLeaseWasTakenWithoutItNoticing() throws Exception {
        execute(db.dataSource(), "CREATE TABLE thief_effects (ev_data text, instance text)");
        Partition cut = new Partition(db.dataSource());
        try (Pgq a = Pgq.create(PgqConfig.builder().dataSource(cut).installSchema(false).build())) {
            createQueue(a, "sb_thief");
            a.admin().registerConsumer("sb_thief", "c");
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            // a long lease: locally the grant stays valid, only the database knows it was taken
            ConsumerConfig config = config("sb_thief").deliveryMode(DeliveryMode.EXACTLY_ONCE)
                    .sessionTimeout(Duration.ofMinutes(5)).maxErrorBackoff(Duration.ofMillis(500)).build();
            try (PgqConsumer first = PgqConsumer.builder(a, config).handler("e", String.class, e -> {
                write(e, "thief_effects", "first");
                entered.countDown();
                release.await();
                return Outcome.done();
            }).build()) {
                first.start();
                send(a, "sb_thief", 0, 5);
                assertThat(entered.await(TestSupport.WAIT.toSeconds(), TimeUnit.SECONDS)).as("first in its batch").isTrue();
                cut.cut();   // its lease thread does not see what happens next
                execute(db.dataSource(), "UPDATE pgq.consumer_lease SET cl_owner = 'thief', cl_epoch = cl_epoch + 1 "
                        + "WHERE cl_queue = (SELECT queue_id FROM pgq.queue WHERE queue_name = 'sb_thief')");
                release.countDown();
                await("the finish is refused", () -> first.health().reason().contains("standing by")
                        || count("SELECT count(*) FROM thief_effects") > 0, () -> first.health().reason());
                assertThat(count("SELECT count(*) FROM thief_effects")).as("nothing committed under a taken lease").isZero();
                assertThat(count("SELECT count(*) FROM pgq.subscription s JOIN pgq.queue q ON q.queue_id = s.sub_queue "
                        + "WHERE q.queue_name = 'sb_thief' AND s.sub_batch IS NOT NULL")).as("batch still open").isOne();

                execute(db.dataSource(), "UPDATE pgq.consumer_lease SET cl_owner = NULL, cl_expires_at = '-infinity' "
                        + "WHERE cl_queue = (SELECT queue_id FROM pgq.queue WHERE queue_name = 'sb_thief')");
                cut.heal();
                await("the first takes the free lease again and commits the batch once",
                        () -> count("SELECT count(*) FROM thief_effects") >= 5,
                        () -> count("SELECT count(*) FROM thief_effects") + " committed effects");
                assertThat(count("SELECT count(DISTINCT ev_data) FROM thief_effects")).isEqualTo(5);
            } finally {
                release.countDown();
                cut.heal();
            }
        }
    }

    private static void write(Event<String> e, String table, String instance) throws SQLException {
        try (PreparedStatement st = e.connection().prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
            st.setString(1, e.data());
            st.setString(2, instance);
            st.executeUpdate();
        }
    }

    @Test
    void behindPgBouncerInTransactionModeOneInstanceWorksAndTheOtherTakesOver() throws Exception {
        assumeTrue(PgBouncer.installed(), PgBouncer.NOT_INSTALLED);
        try (PgBouncer bouncer = PgBouncer.inFrontOf(db, 3);
             Pgq a = throughBouncer(bouncer); Pgq b = throughBouncer(bouncer)) {
            createQueue(a, "sb_bouncer");
            a.admin().registerConsumer("sb_bouncer", "c");
            twoInstancesOneWorks(a, b, "sb_bouncer", 300);
            assertThat(holder("sb_bouncer")).as("released at stop").isEqualTo("-");
        }
    }

    private static Pgq throughBouncer(PgBouncer bouncer) {
        return Pgq.create(PgqConfig.builder().jdbcUrl(bouncer.jdbcUrl()).username(bouncer.user())
                .password(db.password()).installSchema(false).maximumPoolSize(8).build());
    }

    @Test
    void onTheReferencePgqASessionLockKeepsTheSecondInstanceStandingBy() throws Exception {
        PGSimpleDataSource server = new PGSimpleDataSource();
        server.setURL(RetryCallsTest.REFERENCE_URL);
        assumeTrue(RetryCallsTest.referenceAvailable(server), "no reference PgQ at " + RetryCallsTest.REFERENCE_URL
                + " (install postgresql-<version>-pgq3, or set PGQ_REFERENCE_JDBC_URL): skipping");
        String name = "pgqstandby_ref_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        execute(server, "CREATE DATABASE " + name);
        try {
            PGSimpleDataSource reference = new PGSimpleDataSource();
            reference.setURL(RetryCallsTest.REFERENCE_URL.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1"));
            execute(reference, "CREATE EXTENSION pgq");
            try (TestSupport.Ticker refTicker = new TestSupport.Ticker(reference, false);
                 Pgq a = Pgq.create(PgqConfig.builder().dataSource(reference).installSchema(false).build());
                 Pgq b = Pgq.create(PgqConfig.builder().dataSource(reference).installSchema(false).build())) {
                createQueue(a, "sb_ref");
                a.admin().registerConsumer("sb_ref", "c");
                twoInstancesOneWorks(a, b, "sb_ref", 200);
            }
        } finally {
            execute(server, "DROP DATABASE " + name + " WITH (FORCE)");
        }
    }

    @Test
    void runOnceRefusesWhileAnotherInstanceHoldsTheConsumer() throws Exception {
        try (Pgq pgq = TestSupport.client(db)) {
            createQueue(pgq, "sb_once");
            pgq.admin().registerConsumer("sb_once", "c");
            try (PgqConsumer running = PgqConsumer.builder(pgq, config("sb_once").build())
                    .handler("e", String.class, e -> Outcome.done()).build()) {
                running.start();
                await("the running instance holds the lease", () -> !holder("sb_once").equals("-"), () -> "no holder");
                PgqConsumer once = PgqConsumer.builder(pgq, config("sb_once").build())
                        .handler("e", String.class, e -> Outcome.done()).build();
                assertThatThrownBy(once::runOnce).isInstanceOf(PgqException.class)
                        .hasMessageContaining("Another instance holds consumer c on queue sb_once")
                        .hasMessageContaining("runOnce does not wait");
            }
            PgqConsumer once = PgqConsumer.builder(pgq, config("sb_once").build())
                    .handler("e", String.class, e -> Outcome.done()).build();
            assertThat(once.runOnce()).as("free after the other stopped").isNotNull();
            assertThat(holder("sb_once")).as("runOnce releases the lease").isEqualTo("-");
        }
    }

    @Test
    void groupsAreNotAffected() throws Exception {
        try (Pgq pgq = TestSupport.client(db)) {
            createQueue(pgq, "sb_group");
            Handlings h = new Handlings();
            ConsumerConfig config = config("sb_group").groupMembers(2).build();
            try (PgqConsumer x = PgqConsumer.builder(pgq, config).handler("e", String.class, e -> h.record("x", e)).build();
                 PgqConsumer y = PgqConsumer.builder(pgq, ConsumerConfig.builder("sb_group", "c").groupMembers(2)
                         .memberId("other").pollInterval(Duration.ofMillis(50)).listen(false).build())
                         .handler("e", String.class, e -> h.record("y", e)).build()) {
                x.start();
                y.start();
                send(pgq, "sb_group", 0, 200);
                await("200 handlings", () -> h.total() >= 200, () -> h.total() + " handlings");
            }
            assertThat(h.twice()).isEmpty();
            assertThat(holder("sb_group")).as("groups take no lease").isEqualTo("-");
            assertThat(count("SELECT count(*) FROM pgq.consumer_lease l JOIN pgq.queue q ON q.queue_id = l.cl_queue "
                    + "WHERE q.queue_name = 'sb_group'")).as("groups take no lease").isZero();
        }
    }

    /** A data source whose new connections fail while cut: a network partition for the lease's renewals. */
    static final class Partition implements DataSource {
        private final DataSource target;
        private volatile boolean cut;

        Partition(DataSource target) {
            this.target = target;
        }

        void cut() {
            cut = true;
        }

        void heal() {
            cut = false;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (cut) {
                throw new SQLException("connection refused (network cut by the test)", "08001");
            }
            return target.getConnection();
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
