package io.pgq.cli;

import io.pgq.core.Pgq;
import io.pgq.core.TopicAdmin;
import io.pgq.core.TopicInfo;
import io.pgq.core.TopicRouting;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pgq topic create|list|describe|drop}: topics, each a fixed number of partition queues. */
@Command(name = "topic", mixinStandardHelpOptions = true, description = "Create, list, describe or drop a topic "
        + "(a fixed number of key-ordered partitions, each the queue TOPIC.p<k>).",
        subcommands = {TopicCommand.Create.class, TopicCommand.ListTopics.class, TopicCommand.Describe.class,
                TopicCommand.Drop.class})
class TopicCommand {

    /** The topic's info, or a {@link CliException} that says how to find the topics. */
    static TopicInfo existing(TopicAdmin topics, String topic) {
        TopicRouting.checkTopicName(topic);
        return topics.topic(topic).orElseThrow(() -> new CliException("no such topic: " + topic
                + " (pgq topic list shows the topics; pgq topic create " + topic + " --partitions N creates it)"));
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic with its partition "
            + "queues, in one transaction (no-op if it exists with this partition count).")
    static class Create implements Callable<Integer> {
        @Mixin
        Database database;
        @Option(names = "--partitions", paramLabel = "N", required = true,
                description = "Number of partitions, 1 to " + TopicRouting.MAX_PARTITIONS + "; fixed at creation.")
        int partitions;
        @Parameters(paramLabel = "TOPIC", description = "Topic name: letters, digits, '_', '.', '-', ':'.")
        String topic;

        @Override
        public Integer call() {
            TopicRouting.checkTopicName(topic);
            if (partitions < 1 || partitions > TopicRouting.MAX_PARTITIONS) {
                throw new CliException("--partitions must be between 1 and " + TopicRouting.MAX_PARTITIONS
                        + ", was " + partitions + "; nothing was created");
            }
            try (Pgq pgq = database.client()) {
                boolean created = pgq.topics().createTopic(topic, partitions);
                System.out.println(created ? "Created topic " + topic + " with " + partitions + " partitions ("
                        + TopicRouting.partitionQueue(topic, 0) + " .. " + TopicRouting.partitionQueue(topic, partitions - 1) + ")"
                        : "Topic " + topic + " already exists with " + partitions + " partitions");
                return 0;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the topics.")
    static class ListTopics implements Callable<Integer> {
        @Mixin
        Database database;

        @Override
        public Integer call() {
            try (Pgq pgq = database.client()) {
                List<TopicInfo> topics = pgq.topics().topics();
                if (topics.isEmpty()) {
                    System.out.println("No topics (create one with: pgq topic create TOPIC --partitions N)");
                    return 0;
                }
                Tables t = new Tables("TOPIC", "PARTITIONS", "GROUPS", "CREATED");
                for (TopicInfo i : topics) {
                    t.row(i.name(), i.partitions(), i.groups(), i.createdAt());
                }
                System.out.print(t.render());
                return 0;
            }
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Show a topic: its partitions "
            + "and its groups with their lag.")
    static class Describe implements Callable<Integer> {
        @Mixin
        Database database;
        @Parameters(paramLabel = "TOPIC", description = "Topic name.")
        String topic;

        @Override
        public Integer call() {
            try (Pgq pgq = database.client()) {
                TopicInfo info = existing(pgq.topics(), topic);
                System.out.println("Topic " + info.name() + ": " + info.partitions() + " partitions, created "
                        + info.createdAt() + ", queues " + info.partitionQueue(0) + " .. "
                        + info.partitionQueue(info.partitions() - 1));
                List<String> groups = pgq.topics().groups(topic);
                if (groups.isEmpty()) {
                    System.out.println("No groups (start one with: pgq tail " + topic + " --group GROUP)");
                    return 0;
                }
                Tables t = new Tables("GROUP", "MEMBERS", "PENDING-EVENTS", "MAX-LAG");
                for (String g : groups) {
                    pgq.topics().describeGroup(topic, g).ifPresent(d -> t.row(g, d.members().size(),
                            d.totalPendingEvents(), Tables.duration(GroupCommand.maxLag(d))));
                }
                System.out.print(t.render());
                return 0;
            }
        }
    }

    @Command(name = "drop", mixinStandardHelpOptions = true, description = "Drop a topic with its partition queues "
            + "and events.")
    static class Drop implements Callable<Integer> {
        @Mixin
        Database database;
        @Option(names = "--force", description = "Also when groups consume it (they are dropped too).")
        boolean force;
        @Parameters(paramLabel = "TOPIC", description = "Topic name.")
        String topic;

        @Override
        public Integer call() {
            try (Pgq pgq = database.client()) {
                existing(pgq.topics(), topic);
                if (!force && !pgq.topics().groups(topic).isEmpty()) {
                    throw new CliException("topic " + topic + " still has groups " + pgq.topics().groups(topic)
                            + "; nothing was dropped (stop their members and use --force to drop the groups too)");
                }
                pgq.topics().dropTopic(topic, force);
                System.out.println("Dropped topic " + topic);
                return 0;
            }
        }
    }
}
