package io.pgq.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;

/**
 * How topics map to PgQ queues and keys to partitions, identically to the SQL side
 * ({@code pgq_topic.partition_for} and {@code pgq_topic.partition_queue}): partition {@code k}
 * of topic {@code t} is the queue {@code t.p<k>}, and a key goes to the partition given by the
 * first 4 bytes of the MD5 of its UTF-8 bytes, read big-endian as an unsigned number, modulo the
 * partition count. Stateless and thread-safe.
 */
public final class TopicRouting {

    /** The largest partition count a topic may have. */
    public static final int MAX_PARTITIONS = 256;

    /** The longest key, in bytes of UTF-8. */
    public static final int MAX_KEY_BYTES = 512;

    /** The longest topic name (so that {@code <topic>.p<k>} fits a 128-character queue name). */
    public static final int MAX_TOPIC_NAME = 120;

    private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9_.:\\-]{1,120}");
    private static final Pattern PARTITION_SUFFIX = Pattern.compile(".*\\.p[0-9]+");

    private TopicRouting() {
    }

    /** The partition of {@code key} among {@code partitions}; the same as SQL's {@code pgq_topic.partition_for}. */
    public static int partition(String key, int partitions) {
        checkPartitions(partitions, "partition count");
        byte[] bytes = checkKey(key).getBytes(StandardCharsets.UTF_8);
        byte[] d = md5().digest(bytes);
        long first = ((d[0] & 0xffL) << 24) | ((d[1] & 0xffL) << 16) | ((d[2] & 0xffL) << 8) | (d[3] & 0xffL);
        return (int) (first % partitions);
    }

    /** The queue that holds partition {@code partition} of {@code topic}: {@code <topic>.p<partition>}. */
    public static String partitionQueue(String topic, int partition) {
        if (partition < 0 || partition >= MAX_PARTITIONS) {
            throw new IllegalArgumentException("partition must be between 0 and " + (MAX_PARTITIONS - 1) + ", was " + partition);
        }
        return checkTopicName(topic) + ".p" + partition;
    }

    /** Returns {@code topic} if it is a valid topic name; explains the rule otherwise. */
    public static String checkTopicName(String topic) {
        if (topic == null) {
            throw new IllegalArgumentException("topic name must not be null");
        }
        if (!VALID_NAME.matcher(topic).matches()) {
            String shown = topic.length() > 60 ? topic.substring(0, 60) + "..." : topic;
            throw new IllegalArgumentException("invalid topic name '" + shown.replaceAll("\\p{Cntrl}", "?")
                    + "': use 1 to " + MAX_TOPIC_NAME + " letters, digits, '_', '.', '-' or ':'");
        }
        if (PARTITION_SUFFIX.matcher(topic).matches()) {
            throw new IllegalArgumentException("invalid topic name '" + topic
                    + "': a name ending in '.p<digits>' is reserved for partition queues");
        }
        return topic;
    }

    /** Returns {@code key} if it may be a key (not null, at most {@link #MAX_KEY_BYTES} of UTF-8). */
    public static String checkKey(String key) {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null (send without a key to spread events over partitions)");
        }
        if (key.length() > MAX_KEY_BYTES / 3) {
            int bytes = key.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_KEY_BYTES) {
                throw new IllegalArgumentException("key of " + bytes + " bytes is too long: keys are at most "
                        + MAX_KEY_BYTES + " bytes of UTF-8; use a shorter identifier (an id, not a payload)");
            }
        }
        return key;
    }

    static void checkPartitions(int partitions, String what) {
        if (partitions < 1 || partitions > MAX_PARTITIONS) {
            throw new IllegalArgumentException(what + " must be between 1 and " + MAX_PARTITIONS + ", was " + partitions);
        }
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java platform", e);
        }
    }
}
