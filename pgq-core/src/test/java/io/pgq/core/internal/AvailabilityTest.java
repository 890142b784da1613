package io.pgq.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pgq.core.DatabaseUnavailableException;
import io.pgq.core.PgqException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** One line when the database is lost, a reminder while it stays down, one when it is back. */
class AvailabilityTest {

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(Availability.class);

    @BeforeEach
    void capture() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void release() {
        logger.detachAppender(log);
    }

    private List<String> lines() {
        return log.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    private static DatabaseUnavailableException refused() {
        return new DatabaseUnavailableException("Sending events failed: refused", "db1:5432/app", "q", null, "08001",
                new SQLException("Connection to db1:5432 refused.", "08001"));
    }

    @Test
    void logsStateChangesNotEveryFailure() throws InterruptedException {
        Availability quiet = new Availability("Producer", "db1:5432/app", Duration.ofHours(1));
        quiet.failed(refused());
        quiet.failed(refused());
        quiet.failed(new PgqException("Sending events failed: syntax error", null));   // not an outage
        assertThat(quiet.isDown()).isTrue();
        quiet.succeeded();
        quiet.succeeded();
        assertThat(quiet.isDown()).isFalse();
        assertThat(lines()).hasSize(2);
        assertThat(lines().get(0)).isEqualTo("WARN Producer: database db1:5432/app unreachable: Connection to db1:5432 "
                + "refused. [SQLState 08001]; calls fail with DatabaseUnavailableException until it is back");
        assertThat(lines().get(1)).startsWith("INFO Producer: database db1:5432/app reachable again after ")
                .endsWith("(2 failed calls)");

        log.list.clear();
        Availability reminding = new Availability("Producer", "db1:5432/app", Duration.ofMillis(50));
        reminding.failed(refused());
        Thread.sleep(100);
        reminding.failed(refused());
        reminding.failed(refused());
        assertThat(lines()).hasSize(2);
        assertThat(lines().get(1)).startsWith("WARN Producer: database db1:5432/app still unreachable after ")
                .contains("(2 failed calls)");
    }
}
