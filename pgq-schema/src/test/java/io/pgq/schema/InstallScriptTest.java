package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The build's {@code target/sql/install.sql} installs with {@code psql -f} into an empty database,
 * again without harm, and the seed tutorial's SQL flow works on it.
 */
@ExtendWith(PostgresExtension.class)
class InstallScriptTest {

    static final Path SCRIPT = Path.of("target/sql/install.sql");

    @Test
    void installsWithPsqlTwiceAndRunsTheTutorialFlow(TestDatabase db) throws Exception {
        assumeTrue(psqlAvailable(), "psql is not installed on this machine: skipping the psql -f check");
        assertThat(SCRIPT).exists();

        assertThat(psql(db, "-f", SCRIPT.toString()).exitCode).isZero();
        assertThat(psql(db, "-f", SCRIPT.toString()).exitCode).as("second run is harmless").isZero();

        // Each -c runs in its own transaction, as the tutorial's separate steps do: a tick taken
        // in the inserting transaction itself would not see that transaction's events.
        Result flow = psql(db, "-At",
                "-c", "select pgq.create_queue('tutorial')",
                "-c", "select pgq.register_consumer('tutorial', 'reader')",
                "-c", "select pgq.insert_event('tutorial', 'greeting', 'hello world')",
                "-c", "select pgq.force_tick('tutorial') is not null",
                "-c", "select pgq.ticker('tutorial') is not null",
                "-c", "select pgq.next_batch('tutorial', 'reader') is not null",
                "-c", "select ev_type || '=' || ev_data from pgq.get_batch_events(pgq.next_batch('tutorial', 'reader'))",
                "-c", "select pgq.finish_batch(pgq.next_batch('tutorial', 'reader'))");
        assertThat(flow.exitCode).as(flow.output).isZero();
        assertThat(flow.output.lines().toList()).containsExactly("1", "1", "1", "t", "t", "t", "greeting=hello world", "1");
    }

    record Result(int exitCode, String output) {
    }

    static Result psql(TestDatabase db, String... args) throws IOException, InterruptedException {
        URI uri = URI.create(db.jdbcUrl().substring("jdbc:".length()));
        List<String> command = new ArrayList<>(List.of("psql", "-X", "-v", "ON_ERROR_STOP=1", "-q",
                "-h", uri.getHost(), "-p", String.valueOf(uri.getPort()), "-U", db.user(), "-d", db.name()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (db.password() != null) {
            pb.environment().put("PGPASSWORD", db.password());
        }
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), output);
    }

    static boolean psqlAvailable() {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "psql")));
    }
}
