package io.pgq.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgq.ticker.TickerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ticker INI files as SkyTools writes them, and every bad value refused with its line before connecting. */
class IniConfigTest {

    @TempDir
    Path dir;

    @Test
    void aSkyToolsFileWithInterpolationAndSkyToolsKeysWorks() throws Exception {
        Path ini = write("skytools.ini", """
                [DEFAULT]
                base = /var/lib/pgq

                [pgqadm]
                job_name = app_ticker
                db = dbname=app host=127.0.0.1 user=pgq
                logfile = %(base)s/log/%(job_name)s.log
                pidfile = %(base)s/pid/%(job_name)s.pid
                use_skylog = 0
                log_count = 3
                loop_delay: 0.5
                maint_delay_min = 2
                comment = 100%% sure
                """.replace("comment = 100%% sure\n", ""));

        IniConfig config = IniConfig.read(ini);

        assertThat(config.get("logfile")).isEqualTo("/var/lib/pgq/log/app_ticker.log");
        assertThat(config.get("pidfile")).isEqualTo("/var/lib/pgq/pid/app_ticker.pid");
        assertThat(config.ignored()).hasSize(2).allMatch(l -> l.contains("a SkyTools setting with no meaning"));
        assertThat(config.ignored().get(0)).startsWith("Ignoring use_skylog (" + ini + " line 9)");
        TickerConfig ticker = new TickerCommand().tickerConfig(config);
        assertThat(ticker.tickPeriod()).isEqualTo(Duration.ofMillis(500));
        assertThat(ticker.maintenancePeriod()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aByteOrderMarkIsAccepted() throws Exception {
        Path ini = dir.resolve("bom.ini");
        Files.write(ini, concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf},
                "[pgqadm]\njob_name = t\nlogfile = 50%%.log\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(IniConfig.read(ini).get("job_name")).isEqualTo("t");
        assertThat(IniConfig.read(ini).get("logfile")).isEqualTo("50%.log");
    }

    @Test
    void aFileThatIsNotUtf8IsRefusedWithItsLine() throws Exception {
        Path ini = dir.resolve("latin1.ini");
        Files.write(ini, "[pgqadm]\njob_name = t\nlogfile = /var/log/caf\u00e9.log\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> IniConfig.read(ini)).hasMessage(ini + " line 3 is not UTF-8 text; save the file as UTF-8");
    }

    @Test
    void everyBadValueIsReportedWithItsLineAndNothingIsCapped() throws Exception {
        Path ini = write("bad.ini", """
                [pgqadm]
                job_name = t
                keep_running_when_unhealthy = 2
                unhealthy_after = 99999999999999999h
                notify = maybe
                db = postgresql://u@h:x/db
                logfile = %(nowhere)s/t.log
                pidfile = 100% sure
                tick_speed = 5
                """);
        assertThatThrownBy(() -> IniConfig.read(ini)).hasMessage(String.join("\n",
                ini + " line 3: keep_running_when_unhealthy must be true or false (also yes/no, on/off, 1/0), got '2'",
                ini + " line 4: unhealthy_after: '99999999999999999h' is too long; the longest is 2562047h",
                ini + " line 5: notify must be true or false (also yes/no, on/off, 1/0), got 'maybe'",
                ini + " line 6: cannot read the database 'postgresql://u@h:x/db': port 'x' is not a number from 1 to 65535",
                ini + " line 7: '%(nowhere)s/t.log' refers to %(nowhere)s, which the file does not set",
                ini + " line 8: a lone '%' in '100% sure'; write %% for a percent sign or %(key)s for another key's value",
                ini + " line 9: unknown key 'tick_speed'; known keys: db, job_name, logfile, loop_delay, maint_delay_min, "
                        + "pidfile, keep_running_when_unhealthy, leader_check_period, maint_period, max_tick_lag, "
                        + "metrics_port, notify, retry_period, tick_period, unhealthy_after (and SkyTools' logging keys, which are ignored)"));
    }

    @Test
    void theTickerRefusesABadFileBeforeConnecting() throws Exception {
        Path ini = write("t.ini", "[pgqadm]\ndb = jdbc:postgresql://127.0.0.1:1/nowhere\nkeep_running_when_unhealthy = 2\n");
        long start = System.nanoTime();
        CliTest.Run r = CliTest.run(null, "ticker", "--config", ini.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("pgq: " + ini + " line 3: keep_running_when_unhealthy must be true or false "
                + "(also yes/no, on/off, 1/0), got '2'\n");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no ticker ran for unhealthy_after").isLessThan(Duration.ofSeconds(25));
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
