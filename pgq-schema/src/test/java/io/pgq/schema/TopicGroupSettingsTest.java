package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.util.PSQLException;

/** pgq_topic.join_group: the settings a group's members share, recorded at the first join and checked at every join. */
class TopicGroupSettingsTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    private static final String JOIN = "select * from pgq_topic.join_group(?, 'g', ?, ?::interval, ?, ?)";

    TestDatabase db;
    Sql sql;

    @BeforeEach
    void open(TestDatabase db) throws SQLException {
        this.db = db;
        sql = Sql.connect(db);
    }

    @AfterEach
    void close() throws SQLException {
        sql.close();
    }

    @Test
    void theFirstMemberRecordsTheSettingsAndAMemberThatDiffersIsRefusedWithoutJoining() throws SQLException {
        sql.execute("select pgq_topic.create_topic('s_one', 4)");
        assertThat(sql.rows(JOIN, "s_one", "m1", "10 s", "at-least-once", "s_one.dlq")).hasSize(4);
        assertThat(sql.record("select delivery_mode, dead_letter_queue, session_timeout::text, recorded_by "
                + "from pgq_topic.group_setting where topic_name = 's_one' and group_name = 'g'"))
                .isEqualTo(Map.of("delivery_mode", "at-least-once", "dead_letter_queue", "s_one.dlq",
                        "session_timeout", "00:00:10", "recorded_by", "m1"));
        sql.rows(JOIN, "s_one", "m2", "10 s", "at-least-once", "s_one.dlq");

        String error = sql.error(JOIN, "s_one", "m3", "30 s", "exactly-once", "other.dlq");
        assertThat(error).isEqualTo("member \"m3\" is configured differently from group \"g\" of topic \"s_one\" "
                + "(delivery mode: the group's is at-least-once, the member's exactly-once; dead-letter queue: the "
                + "group's is s_one.dlq, the member's other.dlq; session timeout: the group's is 10 s, the member's "
                + "30 s); configure it like the group, or stop every member of the group and change the settings "
                + "with pgq_topic.reset_group_settings('s_one', 'g')");
        assertThat(sql.error(JOIN, "s_one", "m3", "10 s", "at-least-once", "other.dlq"))
                .contains("(dead-letter queue: the group's is s_one.dlq, the member's other.dlq)");
        assertThat(sql.column("select member_id from pgq_topic.member where topic_name = 's_one' order by 1"))
                .as("the refused member did not join").containsExactly("m1", "m2");
        assertThat(sql.scalar("select rebalances from pgq_topic.grp where topic_name = 's_one'")).isEqualTo("2");
        assertThat(sql.scalar("select count(*) from pgq_topic.lease where topic_name = 's_one' and owner = 'm3'"))
                .isEqualTo("0");
    }

    @Test
    void aRefusedFirstJoinLeavesNothingBehindAndBadSettingsAreExplained() throws SQLException {
        sql.execute("select pgq_topic.create_topic('s_bad', 2)");
        sql.assertSqlError(JOIN, "invalid delivery mode \"twice\" for member \"m\": use 'at-least-once' or 'exactly-once'",
                "s_bad", "m", "10 s", "twice", "s_bad.dlq");
        sql.assertSqlError(JOIN, "invalid dead-letter queue \"\" for member \"m\": use a queue name of 1 to 128 characters",
                "s_bad", "m", "10 s", "exactly-once", "");
        sql.assertSqlError(JOIN, "invalid session timeout 00:00:00.01 for member \"m\": it must be between 100 ms and 1 hour",
                "s_bad", "m", "10 ms", "exactly-once", "s_bad.dlq");
        assertThat(sql.scalar("select count(*) from pgq_topic.grp where topic_name = 's_bad'"))
                .as("no group was created").isEqualTo("0");
        assertThat(sql.scalar("select count(*) from pgq.subscription s join pgq.queue q on q.queue_id = s.sub_queue "
                + "where q.queue_name like 's_bad.p%'")).as("no consumer was registered").isEqualTo("0");
    }

    @Test
    void concurrentFirstJoinsAgreeOnOneMembersSettings() throws Exception {
        sql.execute("select pgq_topic.create_topic('s_race', 8)");
        int members = 6;
        CyclicBarrier start = new CyclicBarrier(members);
        ExecutorService pool = Executors.newFixedThreadPool(members);
        List<Future<String>> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < members; i++) {
                String member = "m" + i;
                String mode = i % 2 == 0 ? "at-least-once" : "exactly-once";
                outcomes.add(pool.submit(() -> join(member, mode, start)));
            }
            List<String> results = new ArrayList<>();
            for (Future<String> f : outcomes) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            String recorded = sql.scalar("select delivery_mode from pgq_topic.group_setting where topic_name = 's_race'");
            List<String> joined = sql.column("select member_id from pgq_topic.member where topic_name = 's_race' order by 1");
            for (int i = 0; i < members; i++) {
                String mode = i % 2 == 0 ? "at-least-once" : "exactly-once";
                if (mode.equals(recorded)) {
                    assertThat(results.get(i)).as("m%d (%s) with the recorded settings", i, mode).isEqualTo("joined");
                    assertThat(joined).contains("m" + i);
                } else {
                    assertThat(results.get(i)).as("m%d (%s), group recorded %s", i, mode, recorded)
                            .startsWith("PGQG1 member \"m" + i + "\" is configured differently")
                            .contains("delivery mode: the group's is " + recorded);
                    assertThat(joined).doesNotContain("m" + i);
                }
            }
            assertThat(joined).hasSize(members / 2);
        } finally {
            pool.shutdownNow();
        }
    }

    private String join(String member, String mode, CyclicBarrier start) throws Exception {
        try (Connection c = db.connect();
             PreparedStatement st = c.prepareStatement(JOIN.replace("?::interval", "'10 s'"))) {
            st.setString(1, "s_race");
            st.setString(2, member);
            st.setString(3, mode);
            st.setString(4, "s_race.dlq");
            start.await(30, TimeUnit.SECONDS);
            st.executeQuery().close();
            return "joined";
        } catch (PSQLException e) {
            return e.getSQLState() + " " + e.getServerErrorMessage().getMessage();
        }
    }

    @Test
    void theSettingsAreResetOnlyWithoutLiveMembersAndTheNextMemberRecordsItsOwn() throws SQLException {
        sql.execute("select pgq_topic.create_topic('s_reset', 2)");
        sql.rows(JOIN, "s_reset", "m1", "10 s", "at-least-once", "s_reset.dlq");
        String refused = sql.error("select pgq_topic.reset_group_settings('s_reset', 'g')");
        assertThat(refused).startsWith("group \"g\" of topic \"s_reset\" still has live members: m1 (expires ")
                .endsWith("; stop them (or wait for their expiry) and reset the settings again");
        assertThat(sql.scalar("select count(*) from pgq_topic.group_setting where topic_name = 's_reset'")).isEqualTo("1");

        sql.execute("select pgq_topic.leave('s_reset', 'g', 'm1')");
        assertThat(sql.scalar("select pgq_topic.reset_group_settings('s_reset', 'g')")).isEqualTo("1");
        assertThat(sql.scalar("select pgq_topic.reset_group_settings('s_reset', 'g')")).isEqualTo("0");
        assertThat(sql.scalar("select pgq_topic.reset_group_settings('s_reset', 'nope')")).isEqualTo("0");
        assertThat(sql.rows(JOIN, "s_reset", "m2", "20 s", "exactly-once", "s_reset.dlq")).hasSize(2);
        assertThat(sql.scalar("select delivery_mode || ' ' || session_timeout from pgq_topic.group_setting "
                + "where topic_name = 's_reset'")).isEqualTo("exactly-once 00:00:20");
    }

    @Test
    void aGroupOfRevision4RecordsItsSettingsAtItsFirstJoinAfterTheUpgrade() throws SQLException {
        sql.execute("select pgq_topic.create_topic('s_up', 2)");
        assertThat(sql.rows("select * from pgq_topic.heartbeat('s_up', 'g', 'old', '10 s')")).hasSize(2);
        sql.execute("drop function pgq_topic.join_group(text, text, text, interval, text, text)");
        sql.execute("drop function pgq_topic.reset_group_settings(text, text)");
        sql.execute("drop table pgq_topic.group_setting");
        sql.execute("comment on schema pgq is 'pgq-java schema revision 4'");

        InstallResult result = PgqSchema.install(db.dataSource());

        assertThat(result.previousRevision()).isEqualTo(4);
        assertThat(result.revision()).isEqualTo(16).isEqualTo(PgqSchema.bundledRevision());
        sql.execute("select pgq_topic.leave('s_up', 'g', 'old')");
        assertThat(sql.rows(JOIN, "s_up", "new", "10 s", "exactly-once", "s_up.dlq")).hasSize(2);
        assertThat(sql.scalar("select recorded_by from pgq_topic.group_setting where topic_name = 's_up'")).isEqualTo("new");
    }

    @Test
    void droppingTheGroupDropsItsSettings() throws SQLException {
        sql.execute("select pgq_topic.create_topic('s_drop', 2)");
        sql.rows(JOIN, "s_drop", "m1", "10 s", "at-least-once", "s_drop.dlq");
        sql.execute("select pgq_topic.drop_group('s_drop', 'g')");
        assertThat(sql.scalar("select count(*) from pgq_topic.group_setting where topic_name = 's_drop'")).isEqualTo("0");
    }
}
