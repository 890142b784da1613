package io.pgq.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgq.consumer.Event;
import io.pgq.consumer.Outcome;
import io.pgq.consumer.TopicConsumer;
import io.pgq.consumer.TopicConsumerConfig;
import io.pgq.consumer.TopicRebalanceListener;
import io.pgq.core.Pgq;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code pgq tail TOPIC --group GROUP}: a member of the group, like {@code kafka-console-consumer
 * --group}. Several tails in one group share the partitions; each prints the events of its own.
 * On exit (end of {@code --limit} or {@code --timeout}, SIGINT, SIGTERM) it finishes the batches
 * in hand and leaves the group, so the others take its partitions at once. Events past
 * {@code --limit} are not printed and stay for the group. Lines are printed whole from several
 * worker threads (one per partition in hand).
 */
final class TopicTail {

    /** How long leaving may take: the batches in hand are finished first. */
    static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;
    private final String group;
    private final boolean json;
    private final long limit;
    private final PrintStream out = System.out;
    private final AtomicLong printed = new AtomicLong();

    TopicTail(String topic, String group, boolean json, Long limit) {
        this.topic = topic;
        this.group = group;
        this.json = json;
        this.limit = limit == null ? Long.MAX_VALUE : limit;
    }

    /** Joins, prints until the exit, the limit or the deadline, and leaves; the number of events printed. */
    long run(Pgq pgq, OrderlyExit exit, Duration timeout) throws InterruptedException {
        TopicCommand.existing(pgq.topics(), topic);
        TopicConsumerConfig config = TopicConsumerConfig.builder(topic, group).shutdownTimeout(LEAVE_TIMEOUT)
                .pollInterval(Duration.ofMillis(200)).build();
        TopicConsumer member = TopicConsumer.builder(pgq, config).otherwise(this::handle).listener(listener(config)).build();
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        member.start();
        try {
            while (!exit.stopRequested() && System.nanoTime() < deadline && printed.get() < limit) {
                Thread.sleep(50);
            }
        } finally {
            member.close();
        }
        return printed.get();
    }

    private Outcome handle(Event<String> e) {
        synchronized (out) {
            if (printed.get() >= limit) {
                return Outcome.retry(Duration.ofHours(1)); // left for the group: the wait ends when the member stops
            }
            out.println(json ? json(e) : text(e));
            out.flush();
            printed.incrementAndGet();
        }
        return Outcome.done();
    }

    private String json(Event<String> e) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("topic", topic);
        line.put("partition", partition(e.queue()));
        line.put("key", e.key());
        line.put("id", e.id());
        line.put("time", String.valueOf(e.time()));
        line.put("type", e.type());
        line.put("data", e.data());
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot write event " + e.id() + " as JSON", ex);
        }
    }

    private String text(Event<String> e) {
        return e.id() + "\t" + e.time() + "\t" + e.type() + "\t" + e.data() + "\tpartition=" + partition(e.queue())
                + (e.key() == null ? "" : "\tkey=" + e.key());
    }

    /** The partition number of a partition queue {@code <topic>.p<k>}. */
    static int partition(String queue) {
        return Integer.parseInt(queue.substring(queue.lastIndexOf(".p") + 2));
    }

    private TopicRebalanceListener listener(TopicConsumerConfig config) {
        String who = "pgq tail: member " + config.memberId() + " of group " + group + " on " + topic;
        return new TopicRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<Integer> partitions) {
                System.err.println(who + " now handles partitions " + new TreeSet<>(partitions));
            }

            @Override
            public void onPartitionsRevoked(Collection<Integer> partitions) {
                System.err.println(who + " handed over partitions " + new TreeSet<>(partitions));
            }

            @Override
            public void onPartitionsLost(Collection<Integer> partitions) {
                System.err.println(who + " lost partitions " + new TreeSet<>(partitions) + " (its lease expired)");
            }
        };
    }
}
