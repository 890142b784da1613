package io.pgq.ticker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TickLoopPauseTest {

    @Test
    void shortPassesKeepThePeriodAndLongPassesStretchIt() {
        Duration period = Duration.ofMillis(10);
        assertThat(TickLoop.pause(period, Duration.ofMillis(1).toNanos(), 0.2)).isEqualTo(Duration.ofMillis(9));
        assertThat(TickLoop.pause(period, Duration.ofMillis(5).toNanos(), 0.2)).isEqualTo(Duration.ofMillis(20));
        assertThat(TickLoop.pause(period, Duration.ofMillis(20).toNanos(), 1.0)).isEqualTo(Duration.ZERO);
    }
}
