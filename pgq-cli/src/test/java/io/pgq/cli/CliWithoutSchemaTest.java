package io.pgq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** On a database without the schema, commands say to install it first. */
@ExtendWith(PostgresExtension.class)
class CliWithoutSchemaTest {

    @Test
    void commandsSayWhatToDo(TestDatabase db) {
        for (String[] args : new String[][] {{"status"}, {"queue", "create", "q"}, {"insert", "q", "t", "d"}}) {
            String[] withDb = java.util.Arrays.copyOf(args, args.length + 2);
            withDb[args.length] = "--db";
            withDb[args.length + 1] = CliTest.url(db);
            CliTest.Run r = CliTest.run(null, withDb);
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(r.err()).contains("has no pgq schema: run 'pgq install --db ...' first");
        }
    }
}
