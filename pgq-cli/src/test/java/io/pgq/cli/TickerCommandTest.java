package io.pgq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code pgq ticker} logs name the database (host:port/db); a standby says it is one. Two real processes. */
@ExtendWith(PostgresExtension.class)
class TickerCommandTest {

    @Test
    void leaderAndStandbyNameTheirDatabase(TestDatabase db) throws Exception {
        PgqSchema.install(db.dataSource());
        String where = db.jdbcUrl().substring("jdbc:postgresql://".length());
        try (CliProcess leader = CliProcess.start("ticker-leader", "ticker", "--stats-period", "1s", "--db", CliTest.url(db))) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(leader.output())
                    .contains("pgq-ticker: ticker " + db.name() + " ticks database " + where)
                    .contains("pgq-ticker: ticker " + db.name() + " is the leader on database " + where + ": it ticks")
                    .contains(db.name() + " (" + where + "): LEADER ticks: "));
            try (CliProcess standby = CliProcess.start("ticker-standby", "ticker", "--db", CliTest.url(db))) {
                Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(standby.output())
                        .contains("pgq-ticker: ticker " + db.name() + " is a standby on database " + where
                                + ": another ticker holds the leader lock; this one takes over when that one stops"));
                assertThat(standby.signal("TERM")).isNotZero();
            }
            assertThat(leader.signal("TERM")).isNotZero();
            assertThat(leader.output()).doesNotContain("is a standby");
        }
    }
}
