package io.pgq.core.internal;

import io.pgq.core.GroupDescription;
import io.pgq.core.GroupSettings;
import io.pgq.core.TopicAdmin;
import io.pgq.core.TopicInfo;
import io.pgq.core.TopicRouting;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.postgresql.util.PGInterval;

/** Topic administration through the {@code pgq_topic} functions, with plain JDBC. Thread-safe. */
public final class JdbcTopicAdmin implements TopicAdmin {

    private final DataSource dataSource;

    public JdbcTopicAdmin(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public boolean createTopic(String topic, int partitions) {
        TopicRouting.checkTopicName(topic);
        if (partitions < 1 || partitions > TopicRouting.MAX_PARTITIONS) {
            throw new IllegalArgumentException("partitions must be between 1 and " + TopicRouting.MAX_PARTITIONS
                    + ", was " + partitions + " (topic '" + topic + "')");
        }
        return query("Creating topic '" + topic + "'", "SELECT pgq_topic.create_topic(?, ?)",
                st -> {
                    st.setString(1, topic);
                    st.setInt(2, partitions);
                }, rs -> rs.getInt(1) == 1).get(0);
    }

    @Override
    public boolean dropTopic(String topic) {
        return dropTopic(topic, false);
    }

    @Override
    public boolean dropTopic(String topic, boolean force) {
        TopicRouting.checkTopicName(topic);
        return query("Dropping topic '" + topic + "'", "SELECT pgq_topic.drop_topic(?, ?)",
                st -> {
                    st.setString(1, topic);
                    st.setBoolean(2, force);
                }, rs -> rs.getInt(1) == 1).get(0);
    }

    @Override
    public List<TopicInfo> topics() {
        return query("Listing topics", "SELECT * FROM pgq_topic.get_topic_info()", st -> { }, JdbcTopicAdmin::topicInfo);
    }

    @Override
    public Optional<TopicInfo> topic(String topic) {
        TopicRouting.checkTopicName(topic);
        return query("Reading topic '" + topic + "'", "SELECT * FROM pgq_topic.get_topic_info(?)",
                st -> st.setString(1, topic), JdbcTopicAdmin::topicInfo).stream().findFirst();
    }

    @Override
    public List<String> groups(String topic) {
        TopicRouting.checkTopicName(topic);
        return query("Listing the groups of topic '" + topic + "'",
                "SELECT group_name FROM pgq_topic.grp WHERE topic_name = ? ORDER BY group_name",
                st -> st.setString(1, topic), rs -> rs.getString(1));
    }

    @Override
    public Optional<GroupDescription> describeGroup(String topic, String group) {
        TopicRouting.checkTopicName(topic);
        Names.consumer(group);
        String action = "Describing group '" + group + "' of topic '" + topic + "'";
        List<Long> rebalances = query(action, "SELECT rebalances FROM pgq_topic.grp WHERE topic_name = ? AND group_name = ?",
                st -> {
                    st.setString(1, topic);
                    st.setString(2, group);
                }, rs -> rs.getLong(1));
        if (rebalances.isEmpty()) {
            return Optional.empty();
        }
        List<GroupDescription.Partition> partitions = query(action, "SELECT * FROM pgq_topic.get_group_info(?, ?)",
                st -> {
                    st.setString(1, topic);
                    st.setString(2, group);
                }, JdbcTopicAdmin::partition);
        List<GroupDescription.Member> members = query(action, "SELECT * FROM pgq_topic.get_member_info(?, ?)",
                st -> {
                    st.setString(1, topic);
                    st.setString(2, group);
                }, JdbcTopicAdmin::member);
        return Optional.of(new GroupDescription(topic, group, rebalances.get(0), partitions, members));
    }

    @Override
    public boolean dropGroup(String topic, String group) {
        TopicRouting.checkTopicName(topic);
        Names.consumer(group);
        return query("Dropping group '" + group + "' of topic '" + topic + "'", "SELECT pgq_topic.drop_group(?, ?)",
                st -> {
                    st.setString(1, topic);
                    st.setString(2, group);
                }, rs -> rs.getInt(1) == 1).get(0);
    }

    @Override
    public Optional<GroupSettings> groupSettings(String topic, String group) {
        TopicRouting.checkTopicName(topic);
        Names.consumer(group);
        return query("Reading the settings of group '" + group + "' of topic '" + topic + "'",
                "SELECT delivery_mode, dead_letter_queue, session_timeout, recorded_by, recorded_at "
                        + "FROM pgq_topic.group_setting WHERE topic_name = ? AND group_name = ?",
                st -> {
                    st.setString(1, topic);
                    st.setString(2, group);
                }, rs -> new GroupSettings(topic, group, rs.getString(1), rs.getString(2), duration(rs.getObject(3)),
                        rs.getString(4), instant(rs.getTimestamp(5)))).stream().findFirst();
    }

    @Override
    public boolean resetGroupSettings(String topic, String group) {
        TopicRouting.checkTopicName(topic);
        Names.consumer(group);
        return query("Resetting the settings of group '" + group + "' of topic '" + topic + "'",
                "SELECT pgq_topic.reset_group_settings(?, ?)",
                st -> {
                    st.setString(1, topic);
                    st.setString(2, group);
                }, rs -> rs.getInt(1) == 1).get(0);
    }

    private static TopicInfo topicInfo(ResultSet rs) throws SQLException {
        return new TopicInfo(rs.getString("topic_name"), rs.getInt("partitions"), instant(rs.getTimestamp("created_at")),
                rs.getInt("groups"));
    }

    private static GroupDescription.Partition partition(ResultSet rs) throws SQLException {
        return new GroupDescription.Partition(rs.getInt("partition_no"), rs.getString("queue_name"), rs.getString("owner"),
                rs.getString("target"), rs.getLong("epoch"), instant(rs.getTimestamp("lease_expires_at")),
                (Long) rs.getObject("last_tick"), (Long) rs.getObject("current_batch"), duration(rs.getObject("lag")),
                rs.getLong("pending_events"));
    }

    private static GroupDescription.Member member(ResultSet rs) throws SQLException {
        return new GroupDescription.Member(rs.getString("member_id"), instant(rs.getTimestamp("joined_at")),
                instant(rs.getTimestamp("heartbeat_at")), instant(rs.getTimestamp("expires_at")),
                duration(rs.getObject("session_timeout")), ints(rs.getArray("owned")), ints(rs.getArray("assigned")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    static Duration duration(Object interval) {
        if (!(interval instanceof PGInterval i)) {
            return null;
        }
        long micros = Math.round(i.getSeconds() * 1_000_000d);
        return Duration.ofDays(i.getYears() * 365L + i.getMonths() * 30L + i.getDays())
                .plusHours(i.getHours()).plusMinutes(i.getMinutes()).plus(Duration.ofNanos(micros * 1000));
    }

    private static List<Integer> ints(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((Integer[]) array.getArray());
    }

    private interface Binder {
        void bind(PreparedStatement st) throws SQLException;
    }

    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String action, String sql, Binder binder, Reader<T> reader) {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            binder.bind(st);
            List<T> result = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    result.add(reader.read(rs));
                }
            }
            return result;
        } catch (SQLException e) {
            throw Errors.translate(e, action, null, null);
        }
    }
}
