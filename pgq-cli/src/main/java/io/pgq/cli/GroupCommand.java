package io.pgq.cli;

import io.pgq.core.GroupDescription;
import io.pgq.core.GroupSettings;
import io.pgq.core.Pgq;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code pgq group describe TOPIC GROUP}: Kafka's {@code kafka-consumer-groups --describe}, with
 * the settings the group's members share; {@code pgq group reset-settings TOPIC GROUP} forgets
 * those settings so that the next member to join records its own.
 */
@Command(name = "group", mixinStandardHelpOptions = true, description = "Inspect a group of a topic, or reset the "
        + "settings its members share.", subcommands = {GroupCommand.Describe.class, GroupCommand.ResetSettings.class})
class GroupCommand {

    private GroupCommand() {
    }

    /** The largest lag of the group's partitions, or {@code null} when none has a position. */
    static Duration maxLag(GroupDescription d) {
        return d.partitions().stream().map(GroupDescription.Partition::lag).filter(l -> l != null)
                .max(Duration::compareTo).orElse(null);
    }

    static String settings(Optional<GroupSettings> settings) {
        return settings.map(s -> "Settings: " + s.deliveryMode() + ", dead letters to " + s.deadLetterQueue()
                + ", session timeout " + Tables.duration(s.sessionTimeout()) + " (recorded by " + s.recordedBy() + " at "
                + s.recordedAt() + ")").orElse("Settings: none recorded (the next member to join records its own)");
    }

    @Command(name = "reset-settings", mixinStandardHelpOptions = true, description = "Forget the settings the "
            + "group's members share (delivery mode, dead-letter queue, session timeout), so that the next member to "
            + "join records its own. Refused while a member of the group is running.")
    static class ResetSettings implements Callable<Integer> {
        @Mixin
        Database database;
        @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic name.")
        String topic;
        @Parameters(index = "1", paramLabel = "GROUP", description = "Group name.")
        String group;

        @Override
        public Integer call() {
            try (Pgq pgq = database.client()) {
                TopicCommand.existing(pgq.topics(), topic);
                Optional<GroupSettings> before = pgq.topics().groupSettings(topic, group);
                if (!pgq.topics().resetGroupSettings(topic, group)) {
                    System.out.println("Group " + group + " of topic " + topic + " has no settings recorded; nothing to reset");
                    return 0;
                }
                System.out.println("Reset the settings of group " + group + " of topic " + topic + " (were: "
                        + before.map(s -> s.deliveryMode() + ", dead letters to " + s.deadLetterQueue() + ", session timeout "
                        + Tables.duration(s.sessionTimeout())).orElse("?") + "); the next member to join records its own");
                return 0;
            }
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Per partition its owner, position "
            + "and lag (events and time); per member its partitions and last heartbeat.")
    static class Describe implements Callable<Integer> {
        @Mixin
        Database database;
        @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic name.")
        String topic;
        @Parameters(index = "1", paramLabel = "GROUP", description = "Group name.")
        String group;

        @Override
        public Integer call() {
            try (Pgq pgq = database.client()) {
                TopicCommand.existing(pgq.topics(), topic);
                GroupDescription d = pgq.topics().describeGroup(topic, group).orElseThrow(() -> new CliException(
                        "topic " + topic + " has no group " + group + " (its groups: " + pgq.topics().groups(topic) + ")"));
                System.out.println("Group " + group + " on topic " + topic + ": " + d.members().size() + " members, "
                        + d.partitions().size() + " partitions, " + d.totalPendingEvents() + " pending events, "
                        + d.rebalances() + " rebalances");
                System.out.println(settings(pgq.topics().groupSettings(topic, group)));
                System.out.println();
                Tables parts = new Tables("PARTITION", "QUEUE", "OWNER", "EPOCH", "POSITION", "LAG-EVENTS", "LAG");
                for (GroupDescription.Partition p : d.partitions()) {
                    String owner = p.owner() == null ? null
                            : p.target() != null && !p.target().equals(p.owner()) ? p.owner() + " -> " + p.target() : p.owner();
                    parts.row(p.partition(), p.queue(), owner, p.epoch(), p.lastTick() == null ? null : "tick " + p.lastTick(),
                            p.pendingEvents(), Tables.duration(p.lag()));
                }
                System.out.print(parts.render());
                System.out.println();
                if (d.members().isEmpty()) {
                    System.out.println("No members (start one with: pgq tail " + topic + " --group " + group + ")");
                    return 0;
                }
                Tables members = new Tables("MEMBER", "PARTITIONS", "LAST-HEARTBEAT", "JOINED");
                Instant now = Instant.now();
                for (GroupDescription.Member m : d.members()) {
                    String owned = m.owned().stream().map(String::valueOf).collect(Collectors.joining(","));
                    members.row(m.memberId(), owned.isEmpty() ? null : owned,
                            Tables.duration(Duration.between(m.lastHeartbeat(), now).abs()) + " ago", m.joinedAt());
                }
                System.out.print(members.render());
                return 0;
            }
        }
    }
}
