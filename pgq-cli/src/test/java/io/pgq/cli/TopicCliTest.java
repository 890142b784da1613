package io.pgq.cli;

import static io.pgq.cli.CliTest.run;
import static io.pgq.cli.CliTest.runWithBytes;
import static io.pgq.cli.CliTest.url;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgq.cli.CliTest.Run;
import io.pgq.core.GroupDescription;
import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import io.pgq.core.TopicRouting;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import io.pgq.ticker.Ticker;
import io.pgq.ticker.TickerConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The topic commands end to end: topic, insert with keys, tail as group members, group describe, status. */
@ExtendWith(PostgresExtension.class)
class TopicCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void administersTopicsAndRefusesBadInput(TestDatabase db) throws Exception {
        String url = url(db);
        assertThat(run(null, "install", "--db", url).exitCode()).isZero();
        assertThat(run(null, "topic", "list", "--db", url).out()).doesNotContain("shop");
        assertThat(run(null, "topic", "create", "shop", "--partitions", "4", "--db", url).out())
                .contains("Created topic shop with 4 partitions (shop.p0 .. shop.p3)");
        assertThat(run(null, "topic", "create", "shop", "--partitions", "4", "--db", url).out())
                .contains("already exists with 4 partitions");
        assertThat(run(null, "topic", "list", "--db", url).out()).contains("TOPIC").containsPattern("shop\\s+4\\s+0");
        assertThat(run(null, "topic", "describe", "shop", "--db", url).out())
                .contains("Topic shop: 4 partitions").contains("No groups");

        Run r = run(null, "topic", "create", "bad name", "--partitions", "4", "--db", url);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("invalid topic name 'bad name'");
        r = run(null, "topic", "create", "t0", "--partitions", "0", "--db", url);
        assertThat(r.err()).contains("--partitions must be between 1 and 256, was 0");
        r = run(null, "topic", "create", "t0", "--partitions", "257", "--db", url);
        assertThat(r.err()).contains("--partitions must be between 1 and 256, was 257");
        r = run(null, "topic", "create", "shop", "--partitions", "8", "--db", url);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("shop");
        r = run(null, "topic", "describe", "nope", "--db", url);
        assertThat(r.err()).contains("no such topic: nope").contains("pgq topic list");
        r = run(null, "topic", "drop", "nope", "--db", url);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("no such topic: nope");
        r = run(null, "tail", "shop", "--db", url);
        assertThat(r.err()).contains("shop is a topic: follow it as a member of a group with --group GROUP");
        r = run(null, "group", "describe", "shop", "nobody", "--db", url);
        assertThat(r.err()).contains("topic shop has no group nobody");
        assertThat(run(null, "group", "reset-settings", "shop", "nobody", "--db", url).out())
                .contains("Group nobody of topic shop has no settings recorded; nothing to reset");

        assertThat(run(null, "queue", "create", "plain", "--db", url).exitCode()).isZero();
        r = run(null, "insert", "plain", "t", "d", "--key", "k", "--db", url);
        assertThat(r.err()).contains("--key is for topics, and plain is not a topic");
        r = run(null, "insert", "shop", "t", "d", "--extra4", "x", "--db", url);
        assertThat(r.err()).contains("use --key instead of --extra4");
        r = run("k1\tone\nno separator here\n", "insert", "shop", "t", "--key-separator", "TAB", "--db", url);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("standard input line 2 has no key separator (a tab); nothing was inserted");
        ByteArrayOutputStream latin1 = new ByteArrayOutputStream();
        latin1.writeBytes("k1\tone\nk2\tcaf".getBytes(StandardCharsets.UTF_8));
        latin1.write(0xE9);
        latin1.write('\n');
        r = runWithBytes(latin1.toByteArray(), "insert", "shop", "t", "--key-separator", "TAB", "--db", url);
        assertThat(r.err()).contains("standard input line 2 is not valid UTF-8; nothing was inserted");
        assertThat(eventsIn(db, "shop", -1)).as("events after refused inserts").isZero();

        assertThat(run(null, "insert", "shop", "t", "d", "--key", "customer-7", "--db", url).exitCode()).isZero();
        int partition = TopicRouting.partition("customer-7", 4);
        assertThat(eventsIn(db, "shop", partition)).as("events in the key's partition %d", partition).isEqualTo(1);
        assertThat(eventsIn(db, "shop", -1)).as("events in all partitions").isEqualTo(1);
        assertThat(sqlPartition(db, "customer-7")).as("SQL's partition of the key").isEqualTo(partition);
        r = run("a|x\nb|y\n", "insert", "shop", "t", "--key-separator", "|", "--db", url);
        assertThat(r.out()).contains("Inserted 2 events into topic shop");
        assertThat(eventsIn(db, "shop", TopicRouting.partition("a", 4))).isGreaterThanOrEqualTo(1);
        assertThat(eventsIn(db, "shop", -1)).isEqualTo(3);
        r = run(null, "topic", "drop", "shop", "--db", url);

        assertThat(r.out()).contains("Dropped topic shop");
        assertThat(run(null, "topic", "list", "--db", url).out()).doesNotContain("shop");
    }

    @Test
    void tailsInOneGroupShareThePartitionsAndLeaveOnSignals(TestDatabase db) throws Exception {
        CliProcess.assumeReceivable("INT");
        String url = url(db);
        assertThat(run(null, "install", "--db", url).exitCode()).isZero();
        assertThat(run(null, "topic", "create", "orders", "--partitions", "4", "--db", url).exitCode()).isZero();
        try (Pgq pgq = Pgq.create(PgqConfig.builder().dataSource(db.dataSource()).installSchema(false).build());
             Ticker ticker = Ticker.builder("topic-cli", db.dataSource()).config(TickerConfig.defaults())
                     .metrics(new MetricRegistry()).build();
             CliProcess a = CliProcess.start("tail-group-a", "tail", "orders", "--group", "g", "--format", "json", "--db", url);
             CliProcess b = CliProcess.start("tail-group-b", "tail", "orders", "--group", "g", "--format", "json", "--db", url)) {
            ticker.start();
            Awaitility.await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(owned(pgq))
                    .as("partitions owned per member; outputs: %s / %s", a.output(), b.output()).containsExactly(2, 2));

            assertThat(run(null, "insert", "orders", "single", "{\"n\": 0}", "--key", "customer-7", "--db", url).exitCode()).isZero();
            StringBuilder lines = new StringBuilder();
            for (int i = 1; i <= 40; i++) {
                lines.append("customer-").append(i % 10).append('\t').append("{\"n\": ").append(i).append("}\n");
            }
            assertThat(run(lines.toString(), "insert", "orders", "line", "--key-separator", "TAB", "--db", url).out())
                    .contains("Inserted 40 events into topic orders");

            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(events(a).size() + events(b).size())
                    .as("events printed; outputs: %s / %s", a.output(), b.output()).isEqualTo(41));
            Set<Integer> partitionsA = new HashSet<>();
            Set<String> ids = new HashSet<>();
            for (CliProcess p : List.of(a, b)) {
                List<JsonNode> printed = events(p);
                assertThat(printed).as("each member prints the events of its own partitions").isNotEmpty();
                int last = -1;
                for (JsonNode e : printed) {
                    assertThat(e.get("topic").asText()).isEqualTo("orders");
                    assertThat(e.get("partition").asInt()).as("partition of key %s", e.get("key"))
                            .isEqualTo(TopicRouting.partition(e.get("key").asText(), 4));
                    ids.add(e.get("partition").asInt() + "/" + e.get("id").asLong());
                    if (p == a) {
                        partitionsA.add(e.get("partition").asInt());
                    }
                }
                assertThat(printed.get(0).fieldNames()).toIterable().contains("topic", "partition", "key", "id", "type", "data");
            }
            assertThat(ids).as("distinct events (partition/id)").hasSize(41);
            for (JsonNode e : events(b)) {
                assertThat(partitionsA).as("partitions printed by both members").doesNotContain(e.get("partition").asInt());
            }
            assertThat(keyOrder(events(a), events(b))).as("per-key order of the data").isTrue();

            Run describe = run(null, "group", "describe", "orders", "g", "--db", url);
            assertThat(describe.out()).contains("Group g on topic orders: 2 members")
                    .contains("Settings: at-least-once, dead letters to orders.dlq, session timeout").contains("PARTITION")
                    .contains("LAG-EVENTS").contains("MEMBER").contains("LAST-HEARTBEAT").contains("orders.p3");
            Run status = run(null, "status", "--db", url);
            assertThat(status.out()).containsPattern("orders\\s+4\\s+\\d+\\s+g\\s+2\\s+").doesNotContain("orders.p0");
            assertThat(run(null, "status", "--json", "--db", url).out()).contains("\"topics\"").contains("\"group\" : \"g\"");

            assertThat(run(null, "queue", "create", "plain", "--db", url).exitCode()).isZero();
            assertThat(run(null, "insert", "plain", "greeting", "{\"hello\": 1}", "--extra1", "cli", "--db", url).exitCode()).isZero();
            Run plain = run(null, "tail", "plain", "--from", "earliest", "--limit", "1", "--timeout", "30s", "--format", "json",
                    "--db", url);
            JsonNode line = JSON.readTree(plain.out().strip());
            assertThat(line.get("queue").asText()).isEqualTo("plain");
            assertThat(line.get("type").asText()).isEqualTo("greeting");
            assertThat(line.get("data").asText()).isEqualTo("{\"hello\": 1}");
            assertThat(line.get("extra1").asText()).isEqualTo("cli");
            assertThat(run(null, "tail", "plain", "--format", "xml", "--db", url).err()).contains("--format must be text or json");

            a.signal("TERM");
            assertThat(a.output()).as("output of a").contains("handed over partitions");
            assertThat(pgq.topics().describeGroup("orders", "g").orElseThrow().members()).as("members right after a left")
                    .hasSize(1);
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(owned(pgq))
                    .as("after member a left; output of b: %s", b.output()).containsExactly(4));
            b.signal("INT");
            assertThat(pgq.topics().describeGroup("orders", "g").orElseThrow().members()).as("members after both left").isEmpty();

            assertThat(run("k\t1\nk\t2\nk\t3\nk\t4\nk\t5\n", "insert", "orders", "t", "--key-separator", "TAB", "--db", url)
                    .exitCode()).isZero();
            Run first = run(null, "tail", "orders", "--group", "g", "--limit", "2", "--timeout", "60s", "--db", url);
            assertThat(first.out().lines().map(l -> l.split("\t")[3]).toList()).as(first.err()).containsExactly("1", "2");
            Run rest = run(null, "tail", "orders", "--group", "g", "--limit", "3", "--timeout", "60s", "--db", url);
            assertThat(rest.out().lines().map(l -> l.split("\t")[3]).toList()).as("events past the first tail's --limit; %s",
                    rest.err()).containsExactly("3", "4", "5");
            assertThat(rest.out()).contains("partition=" + TopicRouting.partition("k", 4) + "\tkey=k");
        }
        Run r = run(null, "topic", "drop", "orders", "--db", url);
        assertThat(r.err()).contains("still has groups [g]").contains("--force");
        assertThat(run(null, "topic", "drop", "orders", "--force", "--db", url).out()).contains("Dropped topic orders");
    }

    /** Partitions owned per member, largest first. */
    private static List<Integer> owned(Pgq pgq) {
        return pgq.topics().describeGroup("orders", "g").map(d -> d.members().stream()
                .map(m -> m.owned().size()).sorted((x, y) -> y - x).toList()).orElse(List.of());
    }

    private static List<JsonNode> events(CliProcess p) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : p.output().lines().toList()) {
            if (line.startsWith("{")) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    /** Within each member's output, the "n" of each key only grows. */
    private static boolean keyOrder(List<JsonNode> a, List<JsonNode> b) throws Exception {
        for (List<JsonNode> printed : List.of(a, b)) {
            java.util.Map<String, Integer> last = new java.util.HashMap<>();
            for (JsonNode e : printed) {
                int n = JSON.readTree(e.get("data").asText()).get("n").asInt();
                Integer before = last.put(e.get("key").asText(), n);
                if (before != null && before >= n) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Events stored in one partition's queue, or in all of them for {@code partition} -1. */
    private static long eventsIn(TestDatabase db, String topic, int partition) throws Exception {
        List<String> tables = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT queue_data_pfx FROM pgq.queue WHERE queue_name LIKE '" + topic + ".p"
                    + (partition < 0 ? "%" : String.valueOf(partition)) + "'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            long n = 0;
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + t)) {
                    rs.next();
                    n += rs.getLong(1);
                }
            }
            return n;
        }
    }

    private static int sqlPartition(TestDatabase db, String key) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pgq_topic.partition_for('" + key + "', 4)")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
