package io.pgq.ticker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TickLoopPauseTest {

    private static long ms(long millis) {
        return Duration.ofMillis(millis).toNanos();
    }

    @Test
    void shortPassesKeepThePeriodAndCostlyPassesStretchIt() {
        Duration period = Duration.ofMillis(10);
        assertThat(TickLoop.pause(period, ms(1), ms(1), 0.2)).isEqualTo(Duration.ofMillis(9));
        assertThat(TickLoop.pause(period, ms(5), ms(5), 0.2)).isEqualTo(Duration.ofMillis(20));
        assertThat(TickLoop.pause(period, ms(20), ms(20), 1.0)).isEqualTo(Duration.ZERO);
    }

    @Test
    void aPassSlowedByABusyServerDoesNotStretchThePeriod() {
        Duration period = Duration.ofMillis(10);
        // took 8 ms, of which the pass itself costs 1 ms: 4 ms for the duty cycle, not 32 ms
        assertThat(TickLoop.pause(period, ms(8), ms(1), 0.2)).isEqualTo(Duration.ofMillis(4));
        assertThat(TickLoop.pause(period, ms(3), ms(1), 0.2)).isEqualTo(Duration.ofMillis(7));
    }

    @Test
    void theCostIsTheShortestOfTheRecentPasses() {
        PassCost cost = new PassCost();
        assertThat(cost.add(ms(9))).isEqualTo(ms(9));
        assertThat(cost.add(ms(2))).isEqualTo(ms(2));
        assertThat(cost.add(ms(30))).isEqualTo(ms(2));
        for (int i = 0; i < PassCost.WINDOW - 1; i++) {
            cost.add(ms(5));   // the 2 ms pass leaves the window
        }
        assertThat(cost.add(ms(6))).isEqualTo(ms(5));
    }
}
