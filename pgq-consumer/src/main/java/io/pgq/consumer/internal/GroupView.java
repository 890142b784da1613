package io.pgq.consumer.internal;

import io.pgq.consumer.GroupListener;
import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The members of a group as last seen by any member of this JVM, and the listener that hears
 * about changes. Views are applied in the order the database took them. Thread-safe.
 */
final class GroupView {

    private static final Logger LOG = LoggerFactory.getLogger(GroupView.class);

    private final String queue;
    private final String group;
    private final GroupListener listener;
    private OffsetDateTime lastSeenAt;
    private Set<String> members;

    GroupView(String queue, String group, GroupListener listener) {
        this.queue = queue;
        this.group = group;
        this.listener = listener;
    }

    /** Applies a view taken at {@code takenAt} (subconsumer names with the group prefix). */
    synchronized void update(OffsetDateTime takenAt, List<String> subconsumers) {
        if (lastSeenAt != null && takenAt.isBefore(lastSeenAt)) {
            return;
        }
        lastSeenAt = takenAt;
        Set<String> now = new TreeSet<>();
        for (String s : subconsumers) {
            now.add(memberName(s));
        }
        Set<String> before = members == null ? Set.of() : members;
        members = now;
        for (String m : difference(now, before)) {
            LOG.info("Member {} joined group {} of queue {}", m, group, queue);
            call(() -> listener.onJoin(m), "onJoin");
        }
        for (String m : difference(before, now)) {
            LOG.info("Member {} left group {} of queue {}", m, group, queue);
            call(() -> listener.onLeave(m), "onLeave");
        }
    }

    /** Tells the listener that {@code member} took {@code batchId} over from {@code deadSubconsumer}. */
    void tookOver(String member, String deadSubconsumer, long batchId) {
        String dead = memberName(deadSubconsumer);
        LOG.info("Member {} took over batch {} from member {}, which was not seen for longer than the session timeout "
                + "(queue: {}, consumer: {})", member, batchId, dead, queue, group);
        call(() -> listener.onTakeOver(member, dead, batchId), "onTakeOver");
    }

    synchronized Set<String> members() {
        return members == null ? Set.of() : Set.copyOf(members);
    }

    String memberName(String subconsumer) {
        return subconsumer.startsWith(group + ".") ? subconsumer.substring(group.length() + 1) : subconsumer;
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new LinkedHashSet<>(a);
        d.removeAll(b);
        return d;
    }

    private void call(Runnable callback, String what) {
        try {
            callback.run();
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError vme) {
                throw vme;
            }
            LOG.warn("GroupListener.{} threw; ignored (queue: {}, consumer: {})", what, queue, group, e);
        }
    }
}
