package io.pgq.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** First failures at WARN, up to a number per window, the rest in one summary line. */
class AttemptLogTest {

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(AttemptLog.class);

    @BeforeEach
    void capture() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void release() {
        logger.detachAppender(log);
    }

    private List<String> warnings() {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void firstFailuresAreWarningsUpToALimitThenOneSummaryPerWindow() throws InterruptedException {
        AttemptLog attempts = new AttemptLog(" (queue: q, consumer: c)", Duration.ofMillis(200));
        for (int id = 1; id <= 15; id++) {
            attempts.retried(id, "t", 1, 5, Duration.ofSeconds(1), "java.io.IOException: down");
        }
        attempts.retried(1, "t", 2, 5, Duration.ofSeconds(2), "java.io.IOException: still down");
        assertThat(warnings()).hasSize(AttemptLog.FIRST_FAILURES_PER_WINDOW);
        assertThat(warnings().get(0)).isEqualTo("Event 1 (type t) failed attempt 1 of 5 with java.io.IOException: down;"
                + " retry in PT1S (queue: q, consumer: c)");

        Thread.sleep(300);
        attempts.flush();
        assertThat(warnings()).hasSize(AttemptLog.FIRST_FAILURES_PER_WINDOW + 1);
        assertThat(warnings().get(AttemptLog.FIRST_FAILURES_PER_WINDOW))
                .startsWith("6 more failed attempt(s) in the last ")
                .contains("5 of them first failures of an event")
                .endsWith("the last: event 1 attempt 2: java.io.IOException: still down (queue: q, consumer: c)");

        attempts.flush();
        attempts.retried(16, "t", 1, 5, Duration.ofSeconds(1), "java.io.IOException: down");
        assertThat(warnings()).as("a new window: first failures are logged again, no empty summary")
                .hasSize(AttemptLog.FIRST_FAILURES_PER_WINDOW + 2);
    }
}
