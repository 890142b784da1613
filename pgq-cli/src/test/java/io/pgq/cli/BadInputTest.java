package io.pgq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bad bytes and bad option values are refused up front with a clear message; nothing of a bad input is stored. */
@ExtendWith(PostgresExtension.class)
class BadInputTest {

    private TestDatabase db;

    @BeforeEach
    void setUp(TestDatabase db) {
        this.db = db;
        PgqSchema.install(db.dataSource());
        try (Pgq pgq = Pgq.create(PgqConfig.builder().dataSource(db.dataSource()).build())) {
            pgq.admin().createQueue("bytes");
        }
    }

    @Test
    void aStdinLineThatIsNotUtf8IsRefusedWithItsNumberAndNothingIsInserted() throws Exception {
        long before = events();
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.write("caf\u00e9 ok\r\n".getBytes(StandardCharsets.UTF_8));
        in.write(new byte[] {'b', 'a', 'd', (byte) 0xe9, '\n'});
        in.write("third\n".getBytes(StandardCharsets.UTF_8));

        CliTest.Run r = CliTest.runWithBytes(in.toByteArray(), "insert", "bytes", "line", "--db", CliTest.url(db));

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("pgq: standard input line 2 is not valid UTF-8; nothing was inserted (convert the "
                + "input, e.g. with iconv -f LATIN1 -t UTF-8)\n");
        assertThat(events()).isEqualTo(before);

        CliTest.Run good = CliTest.run("caf\u00e9 ok\r\nsecond\n", "insert", "bytes", "line", "--db", CliTest.url(db));
        assertThat(good.out()).isEqualTo("Inserted 2 events into bytes\n");
        assertThat(events()).isEqualTo(before + 2);
        assertThat(data()).contains("caf\u00e9 ok", "second");
    }

    @Test
    void anArgumentWithInvalidBytesIsRefused() throws Exception {
        long before = events();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                PgqCommand.class.getName(), "insert", "bytes", "t"));
        // the shell passes the raw byte 0xff, which is not UTF-8, in the DATA argument
        String script = String.join(" ", command.stream().map(BadInputTest::shellQuote).toList())
                + " \"$(printf 'a\\377b')\" --db " + shellQuote(CliTest.url(db));
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(out).isEqualTo(1);
        assertThat(out).contains("pgq: DATA contains bytes that are not valid in the system's encoding")
                .contains("nothing was inserted");
        assertThat(events()).isEqualTo(before);
    }

    @Test
    void optionValuesAreCheckedUpFront() {
        for (String[] args : new String[][] {{"tail", "bytes", "--limit", "-1"}, {"tail", "bytes", "--limit", "0"},
                {"dlq", "list", "bytes.dlq", "--limit", "-1"}}) {
            CliTest.Run r = CliTest.run(null, withDb(args));
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(r.err()).as(String.join(" ", args)).startsWith("pgq: --limit must be at least 1, got ")
                    .doesNotContain("unexpected").doesNotContain("PSQLException");
        }
        CliTest.Run r = CliTest.run(null, withDb(new String[] {"tail", "bytes", "--timeout", "-1s"}));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("Invalid value for option '--timeout': duration: '-1s' is not a duration")
                .doesNotContain("Exception");
    }

    private String[] withDb(String[] args) {
        String[] a = java.util.Arrays.copyOf(args, args.length + 2);
        a[args.length] = "--db";
        a[args.length + 1] = CliTest.url(db);
        return a;
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private long events() throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + DlqCommand.dataTable(c, "bytes"))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<String> data() throws SQLException {
        List<String> result = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT ev_data FROM " + DlqCommand.dataTable(c, "bytes") + " ORDER BY ev_id")) {
            while (rs.next()) {
                result.add(rs.getString(1));
            }
        }
        return result;
    }
}
