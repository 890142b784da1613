package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The headline concurrency test (reference §3.2, §1.2, §4): producers (some rolling back, one
 * keeping transactions open across many ticks), a ticker every few milliseconds, forced table
 * rotation, two consumers that retry some events (one with pgq.event_retry per event, one with
 * pgq.event_retry_many per batch), and a retry mover. Every committed event must reach each
 * consumer exactly once, plus once per retry (with ev_retry counting up) to the consumer that
 * retried it only; no rolled-back event is ever delivered.
 *
 * <p>The work is fixed, not the time: the producers commit {@value #TARGET_EVENTS} events in
 * {@value #MIN_ROTATIONS} + 1 phases and start a phase only when the tables have rotated at
 * least as often as the phase number minus one, so rotations happen while events are written
 * on any machine. Waits fail only when no actor has made progress for {@link #STALL} (or after
 * {@link #BOUND} in all), saying how far each actor got, what it was doing, and what the
 * database sessions were waiting on.
 */
class StressTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static final String QUEUE = "stress";
    static final String[] CONSUMERS = {"c0", "c1"};
    static final int TARGET_EVENTS = 200_000;
    static final int PRODUCERS = 3;
    static final int RETRY_MODULUS = 37;
    static final int MIN_ROTATIONS = 10;
    static final int MIN_LONG_TRANSACTIONS = 5;
    /** A wait fails when no actor has moved for this long. */
    static final Duration STALL = Duration.ofMinutes(3);
    /** And in any case after this long in all. */
    static final Duration BOUND = Duration.ofMinutes(20);

    final AtomicBoolean producing = new AtomicBoolean(true);
    final AtomicBoolean running = new AtomicBoolean(true);
    final Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
    /** Payload ranges {producer, first, last} of committed and of rolled-back transactions. */
    final Queue<long[]> committed = new ConcurrentLinkedQueue<>();
    final Queue<long[]> rolledBack = new ConcurrentLinkedQueue<>();
    final AtomicLong committedEvents = new AtomicLong();
    volatile long started;
    final AtomicLong rotations = new AtomicLong();
    final AtomicLong ticks = new AtomicLong();
    final AtomicLong longTransactions = new AtomicLong();
    final AtomicLong retriesRequested = new AtomicLong();
    final AtomicLong retriesMoved = new AtomicLong();
    final AtomicLong[] delivered = {new AtomicLong(), new AtomicLong()};
    /** Per consumer: payload -> ev_retry values received (0 for a first delivery). */
    final List<Map<String, List<Integer>>> received = List.of(new HashMap<>(), new HashMap<>());
    final AtomicLong batches = new AtomicLong();
    /** What each actor did last, and a counter of all steps (progress). */
    final Map<String, String> doing = new ConcurrentSkipListMap<>();
    final AtomicLong steps = new AtomicLong();

    @Test
    @Timeout(value = 25, unit = TimeUnit.MINUTES)
    void everyCommittedEventReachesEachConsumerExactlyOnceAcrossRotationsAndRetries(TestDatabase db) throws Exception {
        try (Sql sql = Sql.connect(db)) {
            sql.createEagerQueue(QUEUE);
            sql.execute("select pgq.set_queue_config(?, 'ticker_max_count', '10')", QUEUE);
            sql.execute("select pgq.set_queue_config(?, 'rotation_period', '0')", QUEUE);
            // no empty ticks every few ms: consumers on a slow machine could never catch up with them
            sql.execute("select pgq.set_queue_config(?, 'ticker_idle_period', '1 second')", QUEUE);
            for (String c : CONSUMERS) {
                sql.execute("select pgq.register_consumer(?, ?)", QUEUE, c);
            }
        }
        started = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int id = p;
            threads.add(actor(db, "producer-" + p, c -> produce(c, id)));
        }
        threads.add(actor(db, "long-producer", c -> produceLong(c, PRODUCERS)));
        threads.add(actor(db, "ticker", this::tick));
        threads.add(actor(db, "maintenance", this::maintain));
        threads.add(actor(db, "retry-mover", this::moveRetries));
        for (int i = 0; i < CONSUMERS.length; i++) {
            int index = i;
            threads.add(actor(db, "consumer-" + i, c -> consume(c, index)));
        }
        threads.forEach(Thread::start);

        Deadline deadline = new Deadline();
        try {
            awaitWork(db, deadline, "producers commit " + TARGET_EVENTS + " events, the long producer "
                    + MIN_LONG_TRANSACTIONS + " transactions, and the tables rotate " + MIN_ROTATIONS + " times",
                    () -> committedEvents.get() >= TARGET_EVENTS && longTransactions.get() >= MIN_LONG_TRANSACTIONS
                            && rotations.get() >= MIN_ROTATIONS);
            producing.set(false);
            for (Thread t : threads.subList(0, PRODUCERS + 1)) {
                t.join(STALL.toMillis());
            }
            long[] expectedTotals = expectedTotals();
            awaitWork(db, deadline, "consumers receive all deliveries (c0 " + expectedTotals[0] + ", c1 "
                    + expectedTotals[1] + ")",
                    () -> delivered[0].get() >= expectedTotals[0] && delivered[1].get() >= expectedTotals[1]);
            // let both consumers pass a few more ticks so late duplicates would show up
            long settleTick = lastTick(db) + 5;
            awaitWork(db, deadline, "consumers pass tick " + settleTick, () -> minConsumerTick(db) >= settleTick);
        } catch (AssertionError e) {
            errors.add(e); // reported below together with the exact differences
        }
        running.set(false);
        for (Thread t : threads) {
            t.join(STALL.toMillis());
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        System.out.printf("StressTest: %d committed events (%d committed tx, %d rolled back tx, %d long tx),"
                        + " %d ticks, %d rotations, %d batches, %d retries requested, %d moved back, deliveries c0=%d c1=%d,"
                        + " total %.1f s%n", committedEvents.get(), committed.size(), rolledBack.size(), longTransactions.get(),
                ticks.get(), rotations.get(), batches.get(), retriesRequested.get(), retriesMoved.get(),
                delivered[0].get(), delivered[1].get(), seconds);

        assertThat(errors).as("actor failures:%n%s", describe(errors)).isEmpty();
        assertThat(committedEvents.get()).isGreaterThanOrEqualTo(TARGET_EVENTS);
        assertThat(rolledBack).as("some transactions rolled back").isNotEmpty();
        assertThat(longTransactions.get()).as("long transactions").isGreaterThanOrEqualTo(MIN_LONG_TRANSACTIONS);
        for (int i = 0; i < CONSUMERS.length; i++) {
            assertDeliveries(i);
        }
        assertThat(rotations.get()).as("table rotations during the run").isGreaterThanOrEqualTo(MIN_ROTATIONS);
        try (Sql sql = Sql.connect(db)) {
            assertThat(sql.scalar("select count(*) from pgq.retry_queue")).as("retry queue drained").isEqualTo("0");
        }
    }

    // ---- waiting for work, and reporting progress ----

    interface Condition {
        boolean holds() throws Exception;
    }

    /** The end of the whole run ({@link #BOUND}). */
    static final class Deadline {
        final long end = System.nanoTime() + BOUND.toNanos();
    }

    /**
     * Waits until {@code done} holds or an actor failed. Fails when no actor made a step for
     * {@link #STALL}, or at the deadline, with every actor's progress and the database's sessions.
     */
    private void awaitWork(TestDatabase db, Deadline deadline, String what, Condition done) throws Exception {
        long lastSteps = -1;
        long lastMove = System.nanoTime();
        while (errors.isEmpty() && !done.holds()) {
            long now = System.nanoTime();
            long s = steps.get();
            if (s != lastSteps) {
                lastSteps = s;
                lastMove = now;
            }
            if (now - lastMove > STALL.toNanos() || now > deadline.end) {
                throw new AssertionError("waiting for: " + what + "; " + (now > deadline.end ? "the run exceeded " + BOUND
                        : "no actor made progress for " + STALL) + "\n" + report(db));
            }
            Thread.sleep(100);
        }
    }

    /** Sets what {@code actor} does now; every call counts as progress. */
    private void doing(String actor, String what) {
        doing.put(actor, what);
        steps.incrementAndGet();
    }

    private String report(TestDatabase db) {
        StringBuilder sb = new StringBuilder(String.format("after %.1f s: %d committed events, %d rotations, %d ticks,"
                + " %d long tx, deliveries c0=%d c1=%d, %d batches, %d retries requested, %d moved back%n",
                (System.nanoTime() - started) / 1e9, committedEvents.get(), rotations.get(), ticks.get(),
                longTransactions.get(), delivered[0].get(), delivered[1].get(), batches.get(), retriesRequested.get(),
                retriesMoved.get()));
        doing.forEach((actor, what) -> sb.append("  ").append(actor).append(": ").append(what).append('\n'));
        try (Sql sql = Sql.connect(db)) {
            sb.append("  consumers: ").append(sql.rows("select consumer_name, last_tick, current_batch, lag"
                    + " from pgq.get_consumer_info(?)", QUEUE)).append('\n');
            sb.append("  queue: ").append(sql.record("select last_tick_id, queue_cur_table, ev_new"
                    + " from pgq.get_queue_info(?)", QUEUE)).append('\n');
            for (List<String> row : sql.rows("select pid, state, wait_event_type, wait_event,"
                    + " round(extract(epoch from now() - query_start)::numeric, 1), left(query, 100)"
                    + " from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()")) {
                sb.append("  session ").append(row).append('\n');
            }
        } catch (SQLException e) {
            sb.append("  (database state unavailable: ").append(e.getMessage()).append(")\n");
        }
        return sb.toString();
    }

    // ---- actors ----

    interface Body {
        void run(Connection c) throws Exception;
    }

    private Thread actor(TestDatabase db, String name, Body body) {
        Thread t = new Thread(() -> {
            try (Connection c = db.connect()) {
                body.run(c);
            } catch (Throwable e) {
                errors.add(new AssertionError(name + " failed: " + e, e));
            }
        }, "stress-" + name);
        t.setDaemon(true);
        return t;
    }

    private boolean go() {
        return running.get() && errors.isEmpty();
    }

    /**
     * Commits its share of {@link #TARGET_EVENTS} in {@link #MIN_ROTATIONS} + 1 phases; phase k
     * starts once the tables have rotated k - 1 times.
     */
    private void produce(Connection c, int producer) throws SQLException, InterruptedException {
        String me = "producer-" + producer;
        long quota = (TARGET_EVENTS + PRODUCERS - 1) / PRODUCERS;
        long phaseSize = quota / (MIN_ROTATIONS + 1) + 1;
        long mine = 0;
        c.setAutoCommit(false);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long next = 0;
        try (PreparedStatement insert = c.prepareStatement(
                "select pgq.insert_event(?, 'ev', ?::text || g::text) from generate_series(?::bigint, ?::bigint) g")) {
            while (mine < quota && go()) {
                long phase = mine / phaseSize;
                if (rotations.get() < phase - 1) {
                    doing(me, "committed " + mine + " of " + quota + " events; phase " + phase
                            + " waits for rotation " + (phase - 1));
                    Thread.sleep(5);
                    continue;
                }
                int n = random.nextInt(20, 400);
                long[] range = {producer, next, next + n - 1};
                next += n;
                insert.setString(1, QUEUE);
                insert.setString(2, payloadPrefix(producer));
                insert.setLong(3, range[1]);
                insert.setLong(4, range[2]);
                doing(me, "committed " + mine + " of " + quota + " events; inserting " + n + " (phase " + phase + ")");
                insert.executeQuery().close();
                if (random.nextInt(10) == 0) {
                    c.rollback();
                    rolledBack.add(range);
                } else {
                    doing(me, "committed " + mine + " of " + quota + " events; committing " + n);
                    c.commit();
                    committed.add(range);
                    committedEvents.addAndGet(n);
                    mine += n;
                }
            }
            doing(me, "done: committed " + mine + " events");
        }
    }

    /** Transactions that insert in several statements over ~250 ms, i.e. across many ticks. */
    private void produceLong(Connection c, int producer) throws Exception {
        c.setAutoCommit(false);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long next = 0;
        try (PreparedStatement insert = c.prepareStatement(
                "select pgq.insert_event(?, 'long', ?::text || g::text) from generate_series(?::bigint, ?::bigint) g")) {
            while (producing.get() && go()) {
                long first = next;
                doing("long-producer", longTransactions.get() + " transactions; a transaction over ~250 ms");
                for (int step = 0; step < 5; step++) {
                    insert.setString(1, QUEUE);
                    insert.setString(2, payloadPrefix(producer));
                    insert.setLong(3, next);
                    insert.setLong(4, next + 19);
                    insert.executeQuery().close();
                    next += 20;
                    Thread.sleep(50);
                }
                long[] range = {producer, first, next - 1};
                if (random.nextInt(4) == 0) {
                    c.rollback();
                    rolledBack.add(range);
                } else {
                    c.commit();
                    committed.add(range);
                    committedEvents.addAndGet(next - first);
                }
                longTransactions.incrementAndGet();
                Thread.sleep(300);
            }
        }
    }

    private void tick(Connection c) throws Exception {
        try (Statement st = c.createStatement()) {
            while (go()) {
                try (ResultSet rs = st.executeQuery("select pgq.ticker()")) {
                    rs.next();
                    ticks.addAndGet(rs.getLong(1));
                }
                doing("ticker", ticks.get() + " ticks");
                Thread.sleep(3);
            }
        }
    }

    /** Like pgqd's maintenance worker: run each listed operation in its own transaction. */
    private void maintain(Connection c) throws Exception {
        try (Statement st = c.createStatement();
                PreparedStatement switchStep1 = c.prepareStatement("select queue_switch_step1 from pgq.queue where queue_name = ?")) {
            switchStep1.setString(1, QUEUE);
            while (go()) {
                List<String[]> ops = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("select func_name, func_arg from pgq.maint_operations()")) {
                    while (rs.next()) {
                        ops.add(new String[] {rs.getString(1), rs.getString(2)});
                    }
                }
                for (String[] op : ops) {
                    if (op[0].startsWith("vacuum")) {
                        continue;
                    }
                    doing("maintenance", rotations.get() + " rotations; running " + op[0]);
                    long before = scalarLong(switchStep1);
                    try (PreparedStatement call = c.prepareStatement(op[1] == null ? "select " + op[0] + "()" : "select " + op[0] + "(?)")) {
                        if (op[1] != null) {
                            call.setString(1, op[1]);
                        }
                        while (true) {
                            try (ResultSet rs = call.executeQuery()) {
                                rs.next();
                                if (rs.getLong(1) == 0) {
                                    break;
                                }
                            }
                        }
                    }
                    if (op[0].equals("pgq.maint_rotate_tables_step1") && scalarLong(switchStep1) != before) {
                        rotations.incrementAndGet();
                    }
                }
                Thread.sleep(100);
            }
        }
    }

    private void moveRetries(Connection c) throws Exception {
        try (Statement st = c.createStatement()) {
            while (go()) {
                long moved;
                do {
                    try (ResultSet rs = st.executeQuery("select pgq.maint_retry_events()")) {
                        rs.next();
                        moved = rs.getLong(1);
                    }
                    retriesMoved.addAndGet(moved);
                    doing("retry-mover", retriesMoved.get() + " retries moved back");
                } while (moved > 0);
                Thread.sleep(20);
            }
        }
    }

    /**
     * next_batch, read, retry some, finish_batch and commit in one transaction. Consumer 0
     * retries with one pgq.event_retry_many call per batch, consumer 1 with pgq.event_retry per event.
     */
    private void consume(Connection c, int index) throws Exception {
        String consumer = CONSUMERS[index];
        String me = "consumer-" + index;
        Map<String, List<Integer>> mine = received.get(index);
        c.setAutoCommit(false);
        try (PreparedStatement next = c.prepareStatement("select pgq.next_batch(?, ?)");
                PreparedStatement events = c.prepareStatement("select ev_id, ev_retry, ev_data from pgq.get_batch_events(?)");
                PreparedStatement retry = c.prepareStatement("select pgq.event_retry(?::bigint, ?::bigint, 0)");
                PreparedStatement retryMany = c.prepareStatement("select pgq.event_retry_many(?::bigint, ?::bigint[], 0)");
                PreparedStatement finish = c.prepareStatement("select pgq.finish_batch(?)")) {
            next.setString(1, QUEUE);
            next.setString(2, consumer);
            while (go()) {
                doing(me, delivered[index].get() + " deliveries; next_batch");
                long batch = scalarLong(next);
                if (batch == 0) {
                    c.commit();
                    Thread.sleep(2);
                    continue;
                }
                List<String> payloads = new ArrayList<>();
                List<Integer> retries = new ArrayList<>();
                List<Long> toRetry = new ArrayList<>();
                doing(me, delivered[index].get() + " deliveries; reading batch " + batch);
                events.setLong(1, batch);
                try (ResultSet rs = events.executeQuery()) {
                    while (rs.next()) {
                        long evId = rs.getLong(1);
                        int evRetry = rs.getInt(2);
                        String payload = rs.getString(3);
                        payloads.add(payload);
                        retries.add(evRetry);
                        if (evRetry < expectedRetries(payload, index)) {
                            toRetry.add(evId);
                        }
                    }
                }
                doing(me, delivered[index].get() + " deliveries; retrying " + toRetry.size() + " of the "
                        + payloads.size() + " events of batch " + batch);
                if (index == 0) {
                    retryMany.setLong(1, batch);
                    retryMany.setArray(2, c.createArrayOf("bigint", toRetry.toArray()));
                    assertThat(scalarLong(retryMany)).as("event_retry_many(%s, %s)", batch, toRetry).isEqualTo(toRetry.size());
                } else {
                    retry.setLong(1, batch);
                    for (long evId : toRetry) {
                        retry.setLong(2, evId);
                        assertThat(scalarLong(retry)).as("event_retry(%s, %s)", batch, evId).isEqualTo(1);
                    }
                }
                doing(me, delivered[index].get() + " deliveries; finishing batch " + batch);
                finish.setLong(1, batch);
                assertThat(scalarLong(finish)).as("finish_batch(%s)", batch).isEqualTo(1);
                c.commit();
                for (int i = 0; i < payloads.size(); i++) {
                    mine.computeIfAbsent(payloads.get(i), k -> new ArrayList<>(1)).add(retries.get(i));
                }
                delivered[index].addAndGet(payloads.size());
                retriesRequested.addAndGet(toRetry.size());
                batches.incrementAndGet();
            }
        }
    }

    // ---- expectations ----

    static String payloadPrefix(int producer) {
        return "p" + producer + ":";
    }

    /** How often consumer {@code index} retries this payload: 0, 1 or 2 times. */
    static int expectedRetries(String payload, int index) {
        int h = payload.hashCode() & 0x7fffffff;
        if (h % RETRY_MODULUS != index) {
            return 0;
        }
        return (h / RETRY_MODULUS) % 3 == 0 ? 2 : 1;
    }

    private long[] expectedTotals() {
        long[] totals = new long[CONSUMERS.length];
        for (long[] range : committed) {
            for (long n = range[1]; n <= range[2]; n++) {
                String payload = payloadPrefix((int) range[0]) + n;
                for (int i = 0; i < totals.length; i++) {
                    totals[i] += 1 + expectedRetries(payload, i);
                }
            }
        }
        return totals;
    }

    private void assertDeliveries(int index) {
        Map<String, List<Integer>> actual = received.get(index);
        List<String> missing = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        List<String> fromRollback = new ArrayList<>();
        int retried = 0;
        for (long[] range : committed) {
            for (long n = range[1]; n <= range[2]; n++) {
                String payload = payloadPrefix((int) range[0]) + n;
                List<Integer> expected = new ArrayList<>();
                for (int r = 0; r <= expectedRetries(payload, index); r++) {
                    expected.add(r);
                }
                retried += expected.size() - 1;
                List<Integer> got = actual.get(payload);
                if (got == null) {
                    missing.add(payload);
                    continue;
                }
                List<Integer> sorted = new ArrayList<>(got);
                Collections.sort(sorted);
                if (!sorted.equals(expected)) {
                    wrong.add(payload + " expected ev_retry " + expected + " got " + got);
                }
            }
        }
        for (long[] range : rolledBack) {
            for (long n = range[1]; n <= range[2]; n++) {
                String payload = payloadPrefix((int) range[0]) + n;
                if (actual.containsKey(payload)) {
                    fromRollback.add(payload + " x" + actual.get(payload).size());
                }
            }
        }
        long known = actual.size();
        assertThat(missing).as("%s: %d committed events never delivered, e.g. %s", CONSUMERS[index], missing.size(),
                head(missing)).isEmpty();
        assertThat(wrong).as("%s: %d events delivered a wrong number of times or with wrong ev_retry (duplicates or retries"
                + " of the other consumer), e.g. %s", CONSUMERS[index], wrong.size(), head(wrong)).isEmpty();
        assertThat(fromRollback).as("%s: %d rolled-back events delivered, e.g. %s", CONSUMERS[index], fromRollback.size(),
                head(fromRollback)).isEmpty();
        assertThat(known).as("%s: distinct payloads delivered = committed events (no unknown payloads)", CONSUMERS[index])
                .isEqualTo(committedEvents.get());
        assertThat(retried).as("%s retried some events", CONSUMERS[index]).isGreaterThan(100);
    }

    private static List<String> head(List<String> list) {
        return list.subList(0, Math.min(20, list.size()));
    }

    private static String describe(Queue<Throwable> errors) {
        StringBuilder sb = new StringBuilder();
        for (Throwable e : errors) {
            sb.append(e).append('\n');
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                sb.append("  caused by ").append(cause).append('\n');
            }
        }
        return sb.toString();
    }

    private static long scalarLong(PreparedStatement st) throws SQLException {
        try (ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long lastTick(TestDatabase db) throws SQLException {
        try (Sql sql = Sql.connect(db)) {
            return sql.scalarLong("select last_tick_id from pgq.get_queue_info(?)", QUEUE);
        }
    }

    private static long minConsumerTick(TestDatabase db) throws SQLException {
        try (Sql sql = Sql.connect(db)) {
            return sql.scalarLong("select min(last_tick) from pgq.get_consumer_info(?)", QUEUE);
        }
    }
}
