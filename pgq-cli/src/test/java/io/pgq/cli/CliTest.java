package io.pgq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import io.pgq.ticker.Ticker;
import io.pgq.ticker.TickerConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The pgq command line, end to end, on a real database. */
@ExtendWith(PostgresExtension.class)
class CliTest {

    record Run(int exitCode, String out, String err) {
    }

    static Run run(String stdin, String... args) {
        return runWithBytes((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8), args);
    }

    static synchronized Run runWithBytes(byte[] stdin, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        InputStream in = System.in;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream(stdin));
            int code = PgqCommand.execute(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            System.setIn(in);
        }
    }

    static String url(TestDatabase db) {
        return db.jdbcUrl() + "?user=" + db.user() + (db.password() == null ? "" : "&password=" + db.password());
    }

    @Test
    void administersAQueueFromInstallToTail(TestDatabase db) {
        String url = url(db);
        assertThat(run(null, "install", "--db", url).out()).contains("Installed pgq schema revision");
        assertThat(run(null, "upgrade", "--db", url).out()).contains("up to date");
        assertThat(run(null, "queue", "create", "cli_q", "--max-lag", "50ms", "--db", url).out()).contains("Created queue cli_q");
        assertThat(run(null, "consumer", "register", "cli_q", "audit", "--db", url).exitCode()).isZero();
        assertThat(run(null, "insert", "cli_q", "greeting", "hello", "--extra1", "cli", "--db", url).out().strip()).isEqualTo("1");
        assertThat(run("one\ntwo\nthree\n", "insert", "cli_q", "line", "--db", url).out()).contains("Inserted 3 events into cli_q");

        try (Ticker ticker = Ticker.builder("cli", db.dataSource()).config(TickerConfig.defaults()).metrics(new MetricRegistry()).build()) {
            ticker.start();
            Run tail = run(null, "tail", "cli_q", "--from", "earliest", "--limit", "4", "--timeout", "20s", "--db", url);
            assertThat(tail.exitCode()).isZero();
            assertThat(tail.out().lines().toList()).hasSize(4);
            assertThat(tail.out()).contains("\tgreeting\thello\textra1=cli").contains("\tline\tthree");

            Run status = run(null, "status", "--db", url);
            assertThat(status.out()).contains("cli_q").contains("audit").contains("PENDING-EVENTS");
        }
        assertThat(run(null, "consumer", "reposition", "cli_q", "audit", "--to", "earliest", "--db", url).out())
                .contains("Moved audit on cli_q to earliest");
        assertThat(run(null, "consumer", "reposition", "cli_q", "audit", "--to", "30m", "--db", url).out())
                .contains("Moved audit on cli_q to 30m");
        assertThat(run(null, "consumer", "register", "cli_q", "late", "--at", "2026-01-01 10:00", "--db", url).out())
                .contains("Registered late on cli_q");
        assertThat(run(null, "consumer", "unregister", "cli_q", "late", "--db", url).exitCode()).isZero();
        assertThat(run(null, "queue", "config", "cli_q", "--pause", "--db", url).exitCode()).isZero();
        assertThat(run(null, "status", "cli_q", "--db", url).out()).contains("yes");
        Run settings = run(null, "queue", "config", "cli_q", "--db", url);
        assertThat(settings.out()).doesNotContain("Configured").containsPattern("ticker_max_lag +50ms +--max-lag")
                .containsPattern("ticker_max_count +500 +--max-count").containsPattern("ticker_paused +yes");
        Run drop = run(null, "queue", "drop", "cli_q", "--db", url);
        assertThat(drop.exitCode()).isEqualTo(1);
        assertThat(drop.err()).contains("consumers still attached");
        assertThat(run(null, "consumer", "unregister", "cli_q", "audit", "--db", url).out()).contains("Unregistered audit");
        assertThat(run(null, "queue", "drop", "cli_q", "--db", url).out()).contains("Dropped queue cli_q");
    }

    @Test
    void badInputGetsAClearMessageAndANonZeroExit(TestDatabase db, @TempDir Path dir) throws Exception {
        Path malformed = Files.writeString(dir.resolve("bad.ini"), "[pgqadm]\njob_name = t\nthis is not a key value line\n");
        Run r = run(null, "ticker", "--config", malformed.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("bad.ini line 3: expected 'key = value'").doesNotContain("Exception");

        Path unknown = Files.writeString(dir.resolve("unknown.ini"), "[pgqadm]\ndb = dbname=x\ntick_speed = 5\n");
        r = run(null, "ticker", "--config", unknown.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("unknown key 'tick_speed'").contains("loop_delay").contains("tick_period");

        r = run(null, "status", "--db", "jdbc:postgresql://127.0.0.1:1/nowhere");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("cannot connect to the database").doesNotContain("\tat ");

        r = run(null, "status", "--db", db.jdbcUrl() + "?user=no_such_user_pgq");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("cannot connect to the database").contains("no_such_user_pgq").doesNotContain("\tat ");

        r = run(null, "queue", "create", "x", "--max-lag", "soon", "--db", url(db));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("'soon' is not a duration");

        r = run(null, "status", "--db", "dbname=x host");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("cannot read the database");

        r = run(null, "status");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("no database given");
    }

    @Test
    void tickerExitsWithCode3WhenItCannotReachTheDatabase() {
        Run r = run(null, "ticker", "--db", "jdbc:postgresql://127.0.0.1:1/nowhere?connectTimeout=1",
                "--unhealthy-after", "1s");
        assertThat(r.exitCode()).isEqualTo(3);
    }

    @Test
    void tickerReadsPgqadmConfigFiles(@TempDir Path dir) throws Exception {
        Path ini = Files.writeString(dir.resolve("ticker.ini"), """
                [pgqadm]
                job_name = my_ticker
                db = dbname=app host=127.0.0.1 port=5432 user=pgq
                maint_delay_min = 5
                loop_delay = 0.05
                logfile = %s
                pidfile = %s
                max_tick_lag = off
                """.formatted(dir.resolve("t.log"), dir.resolve("t.pid")));
        TickerCommand cmd = new TickerCommand();
        TickerConfig config = cmd.tickerConfig(IniConfig.read(ini));
        assertThat(config.tickPeriod()).isEqualTo(java.time.Duration.ofMillis(50));
        assertThat(config.maintenancePeriod()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(config.maxTickLag()).isNull();
        assertThat(ConnInfo.toJdbcUrl(IniConfig.read(ini).get("db")))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/app?user=pgq");
    }
}
