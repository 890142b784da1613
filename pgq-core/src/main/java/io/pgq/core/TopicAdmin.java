package io.pgq.core;

import java.util.List;
import java.util.Optional;

/**
 * Creates, inspects and drops topics and their groups. A topic is a fixed number of partitions,
 * each the PgQ queue {@code <topic>.p<k>}; see {@link TopicRouting}. Each call is its own
 * transaction. Thread-safe.
 */
public interface TopicAdmin {

    /**
     * Creates the topic and its partition queues in one transaction; {@code false} if it existed
     * already with this partition count.
     *
     * @throws IllegalArgumentException for an invalid name or a count outside 1..{@link TopicRouting#MAX_PARTITIONS}
     * @throws PgqException when the topic exists with another count, or a queue clashes with its names
     */
    boolean createTopic(String topic, int partitions);

    /**
     * Drops the topic with its partition queues and events.
     *
     * @throws PgqException while groups still consume it (use {@link #dropTopic(String, boolean)})
     */
    boolean dropTopic(String topic);

    /** Drops the topic; with {@code force} also when groups consume it (they are dropped too). */
    boolean dropTopic(String topic, boolean force);

    /** All topics, ordered by name. */
    List<TopicInfo> topics();

    Optional<TopicInfo> topic(String topic);

    /** The groups of a topic, ordered by name. */
    List<String> groups(String topic);

    /**
     * The group's partitions (owner, target, epoch, position, lag) and members (partitions, last
     * heartbeat); empty if there is no such group.
     */
    Optional<GroupDescription> describeGroup(String topic, String group);

    /** Drops a group: its members, leases and its consumer on every partition; {@code false} if there was none. */
    boolean dropGroup(String topic, String group);

    /**
     * The settings the group's members share (delivery mode, dead-letter queue, session timeout);
     * empty when the group does not exist or no member has joined it since they were reset.
     */
    Optional<GroupSettings> groupSettings(String topic, String group);

    /**
     * Forgets the group's settings, so that the next member to join records its own: the way to
     * change them. {@code false} if none were recorded.
     *
     * @throws PgqException while a member of the group is live (stop the members first, or wait
     *                      for the session timeout of members that died)
     */
    boolean resetGroupSettings(String topic, String group);
}
