package io.pgq.cli;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code pgq status} shows, as read by {@link StatusQueries} and shown by {@link StatusView}.
 * Immutable records; {@link #warnings()} is derived from the data.
 *
 * @param database the database's name
 * @param server   host:port from the connection
 * @param ticker   the ticker's sessions and last tick
 * @param queues   queues, dead-letter queues folded into their source queue
 * @param consumers consumers of the shown queues
 * @param topics   topics, one row per group (one for a topic without groups); their partition
 *                 queues and the groups' consumers on them are not in {@code queues} and {@code consumers}
 */
record StatusReport(String database, String server, TickerStatus ticker, List<QueueRow> queues,
                    List<ConsumerRow> consumers, List<TopicRow> topics) {

    /**
     * @param topic         topic name
     * @param partitions    its partition count
     * @param newEvents     events since the newest tick, over all partitions
     * @param group         a group of the topic, or {@code null} when it has none
     * @param members       the group's members
     * @param pendingEvents the group's pending events over all partitions (its total lag in events)
     * @param maxLag        the largest lag of its partitions, or {@code null}
     */
    record TopicRow(String topic, int partitions, long newEvents, String group, int members, long pendingEvents,
                    Duration maxLag) {
    }

    /**
     * A session of a pgq ticker.
     *
     * @param pid         server process id
     * @param client      client address, or {@code null} (local socket or not visible)
     * @param application the session's application_name
     * @param since       when the session started, or {@code null} when not visible
     */
    record TickerSession(int pid, String client, String application, OffsetDateTime since) {
    }

    /**
     * @param leader   the session holding the ticker's leader lock, or {@code null}
     * @param standbys other pgq-ticker sessions on this database
     * @param lastTick the newest tick of any queue, or {@code null} when there is none
     * @param lastTickAge its age
     */
    record TickerStatus(TickerSession leader, List<TickerSession> standbys, OffsetDateTime lastTick,
                        Duration lastTickAge) {
    }

    /**
     * @param name          queue name
     * @param lastTickId    newest tick
     * @param tickerLag     age of the newest tick
     * @param tickerStalled events wait and the tick is overdue ({@link io.pgq.core.QueueInfo#tickerStalled})
     * @param eventsPerSecond recent insert rate or {@code null}
     * @param newEvents     events since the newest tick
     * @param retryQueue    events of this queue waiting in the retry queue
     * @param tables        number of event tables
     * @param currentTable  the table receiving inserts (0-based)
     * @param lastRotation  age of the last rotation
     * @param paused        ticker paused
     * @param deadLetterQueue the dead-letter queue {@code <name>.dlq}, or {@code null}
     * @param deadLetters   dead letters in it not yet re-sent, or {@code null}
     */
    record QueueRow(String name, long lastTickId, Duration tickerLag, boolean tickerStalled, Double eventsPerSecond,
                    long newEvents, long retryQueue, int tables, int currentTable, Duration lastRotation,
                    boolean paused, String deadLetterQueue, Long deadLetters) {
    }

    /**
     * @param queue         queue name
     * @param consumer      consumer name ({@code group.member} for a member of a group)
     * @param lag           age of the oldest event after its position, zero when caught up;
     *                      {@code null} for a group member (the group has the position)
     * @param pendingEvents ticked events after its position
     * @param retries       its events waiting in the retry queue
     * @param lastSeen      time since it last asked for or finished a batch
     * @param position      the tick it has processed
     * @param batch         its open batch, or {@code null}
     */
    record ConsumerRow(String queue, String consumer, Duration lag, Long pendingEvents, long retries,
                       Duration lastSeen, Long position, Long batch) {
    }

    /** "no ticker seems to run" when a queue's events waited longer for a tick than its settings allow, plus a grace period. */
    List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        for (QueueRow q : queues) {
            if (q.tickerStalled()) {
                warnings.add("no ticker seems to run on database " + database + " (" + server + "): queue " + q.name()
                        + " has " + q.newEvents() + " new events and no tick for " + Tables.duration(q.tickerLag())
                        + "; start `pgq ticker`");
                break;
            }
        }
        return warnings;
    }
}
