package io.pgq.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A group of a topic as the database sees it now (Kafka's {@code --describe}): per partition its
 * owner, position and lag; per member its partitions and last heartbeat. Immutable.
 *
 * @param rebalances how often the membership changed since the group was created
 */
public record GroupDescription(String topic, String group, long rebalances, List<Partition> partitions,
                               List<Member> members) {

    public GroupDescription {
        partitions = List.copyOf(partitions);
        members = List.copyOf(members);
    }

    /** Pending events over all partitions (an estimate, as PgQ gives it). */
    public long totalPendingEvents() {
        return partitions.stream().mapToLong(Partition::pendingEvents).sum();
    }

    /**
     * One partition of the group.
     *
     * @param owner          the member holding the lease, or {@code null}
     * @param target         the member the assignment gives it to (differs from owner during a handover)
     * @param epoch          grows at every change of owner
     * @param leaseExpiresAt when the owner's lease runs out unless it heartbeats, or {@code null}
     * @param lastTick       the group's position (tick id) in the partition queue
     * @param currentBatch   the open batch, or {@code null}
     * @param lag            time since the position's tick
     * @param pendingEvents  events after the position (an estimate)
     */
    public record Partition(int partition, String queue, String owner, String target, long epoch,
                            Instant leaseExpiresAt, Long lastTick, Long currentBatch, Duration lag,
                            long pendingEvents) {
    }

    /**
     * One member of the group.
     *
     * @param owned    partitions whose lease it holds
     * @param assigned partitions the assignment gives it
     */
    public record Member(String memberId, Instant joinedAt, Instant lastHeartbeat, Instant expiresAt,
                         Duration sessionTimeout, List<Integer> owned, List<Integer> assigned) {

        public Member {
            owned = List.copyOf(owned);
            assigned = List.copyOf(assigned);
        }
    }
}
