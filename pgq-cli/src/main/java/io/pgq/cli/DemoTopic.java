package io.pgq.cli;

import io.pgq.consumer.Outcome;
import io.pgq.consumer.TopicConsumer;
import io.pgq.consumer.TopicConsumerConfig;
import io.pgq.consumer.TopicRebalanceListener;
import io.pgq.core.EventType;
import io.pgq.core.GroupDescription;
import io.pgq.core.Pgq;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The topic part of {@code pgq demo}: a keyed topic {@value #TOPIC} whose group {@value #GROUP}
 * starts with two members; a third joins at {@link #JOIN_AT} and the second leaves at
 * {@link #LEAVE_AT}, and the partitions they hand over are printed. Payments are sent with the
 * customer as key; the handler checks that each customer's payments arrive in order. Counts are
 * consistent like {@link DemoCounts}: a payment handled again after a handover counts once.
 * Thread-safe; members are started and stopped by the demo's main thread.
 */
final class DemoTopic {

    static final String TOPIC = "demo_payments";
    static final String GROUP = "shipping";
    static final int PARTITIONS = 4;
    static final Duration JOIN_AT = Duration.ofSeconds(4);
    static final Duration LEAVE_AT = Duration.ofSeconds(8);

    /** The payload: a payment of an order, keyed by its customer. */
    @EventType("payment.requested")
    public record PaymentRequested(long orderId, String customer, long amountCents) {
    }

    private final Pgq pgq;
    private final PrintStream out;
    private final List<TopicConsumer> members = new ArrayList<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong outOfOrder = new AtomicLong();
    private final BitSet handledIds = new BitSet();
    private final Map<String, Long> lastPerCustomer = new ConcurrentHashMap<>();
    private boolean created;
    private boolean joined;
    private boolean left;

    DemoTopic(Pgq pgq, PrintStream out) {
        this.pgq = pgq;
        this.out = out;
    }

    /** Creates the topic (noting whether it was there) and starts the first two members. */
    void start() {
        created = pgq.topics().createTopic(TOPIC, PARTITIONS);
        out.println("Topic " + TOPIC + " with " + PARTITIONS + " partitions (key: the customer), group " + GROUP
                + " with 2 members; member-3 joins at " + Tables.duration(JOIN_AT) + ", member-2 leaves at "
                + Tables.duration(LEAVE_AT));
        join("member-1");
        join("member-2");
    }

    /** Sends order {@code orderId}'s payment with its customer as key; counted before the send like the orders. */
    void send(long orderId, String customer, long amountCents) {
        sent.incrementAndGet();
        try {
            pgq.topicProducer().send(TOPIC, customer, new PaymentRequested(orderId, customer, amountCents));
        } catch (RuntimeException e) {
            sent.decrementAndGet();
            throw e;
        }
    }

    /** Called every second by the demo: a member joins or leaves on schedule; prints the topic's line. */
    void tick(Duration elapsed) {
        if (!joined && elapsed.compareTo(JOIN_AT) >= 0) {
            joined = true;
            out.println("topic " + TOPIC + ": member-3 joins group " + GROUP);
            join("member-3");
        }
        if (!left && elapsed.compareTo(LEAVE_AT) >= 0) {
            left = true;
            out.println("topic " + TOPIC + ": member-2 leaves group " + GROUP + " (finishes its batches, hands over)");
            members.remove(1).close();
        }
        long h = handled.get();
        long s = sent.get();
        String owners = pgq.topics().describeGroup(TOPIC, GROUP).map(DemoTopic::owners).orElse("-");
        out.printf(Locale.ROOT, "      topic %s  sent %7d  handled %7d  in flight %4d  out of order %d  partitions %s%n",
                TOPIC, s, h, s - h, outOfOrder.get(), owners);
    }

    /** Stops the members: each finishes its batches in hand and leaves the group. */
    void stop() {
        members.forEach(TopicConsumer::close);
        members.clear();
        out.printf(Locale.ROOT, "Topic summary: sent %d payments, handled %d, in flight at the stop %d, out of order %d%n",
                sent.get(), handled.get(), sent.get() - handled.get(), outOfOrder.get());
    }

    /**
     * After the ticker stopped: with {@code drop}, drops the topic if this run created it;
     * {@code db} is what the user gave, {@code null} for the embedded server (nothing to clean).
     */
    void cleanUp(boolean drop, String db) {
        if (db == null) {
            return;
        }
        if (!drop || !created) {
            out.println("Left in the database: topic " + TOPIC + (created ? "" : " (it existed before the demo started)")
                    + " and queue " + TOPIC + ".dlq. Remove them with:");
            out.println("  pgq topic drop " + TOPIC + " --force --db '" + ConnInfo.masked(db) + "'");
            out.println("  pgq queue drop " + TOPIC + ".dlq --force --db '" + ConnInfo.masked(db) + "'");
            return;
        }
        try {
            pgq.topics().dropTopic(TOPIC, true);
            if (pgq.admin().queue(TOPIC + ".dlq").isPresent()) {
                pgq.admin().dropQueue(TOPIC + ".dlq", true);
            }
            out.println("Dropped the demo's topic " + TOPIC + " with its group and its dead-letter queue.");
        } catch (RuntimeException e) {
            out.println("Could not drop the demo's topic " + TOPIC + ": " + Database.firstLine(e.getMessage()));
        }
    }

    private void join(String name) {
        TopicConsumerConfig config = TopicConsumerConfig.builder(TOPIC, GROUP).memberId(name).threads(2)
                .sessionTimeout(Duration.ofSeconds(6)).heartbeatInterval(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(200)).shutdownTimeout(Duration.ofSeconds(10)).build();
        TopicConsumer member = TopicConsumer.builder(pgq, config)
                .handler(PaymentRequested.class, event -> {
                    handle(event.payload());
                    return Outcome.done();
                })
                .listener(listener(name))
                .build();
        member.start();
        members.add(member);
    }

    private void handle(PaymentRequested p) {
        Long before = lastPerCustomer.put(p.customer(), p.orderId());
        if (before != null && before > p.orderId()) {
            outOfOrder.incrementAndGet();
        }
        synchronized (handledIds) {
            if (handledIds.get((int) p.orderId())) {
                return;
            }
            handledIds.set((int) p.orderId());
        }
        handled.incrementAndGet();
    }

    private TopicRebalanceListener listener(String name) {
        return new TopicRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<Integer> partitions) {
                out.println("topic " + TOPIC + ": " + name + " now handles partitions " + new TreeSet<>(partitions));
            }

            @Override
            public void onPartitionsRevoked(Collection<Integer> partitions) {
                out.println("topic " + TOPIC + ": " + name + " hands over partitions " + new TreeSet<>(partitions));
            }

            @Override
            public void onPartitionsLost(Collection<Integer> partitions) {
                out.println("topic " + TOPIC + ": " + name + " lost partitions " + new TreeSet<>(partitions));
            }
        };
    }

    /** "member-1:0,1 member-3:2,3", from the database's view of the group. */
    private static String owners(GroupDescription d) {
        StringBuilder s = new StringBuilder();
        for (GroupDescription.Member m : d.members()) {
            s.append(s.length() == 0 ? "" : " ").append(m.memberId()).append(':')
                    .append(m.owned().stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("-"));
        }
        return s.length() == 0 ? "-" : s.toString();
    }
}
