package io.pgq.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Meter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ServiceLoopTest {

    @Test
    void survivesEveryThrowableAndEndsWhenStopping() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        List<Throwable> cleanedUp = new ArrayList<>();
        Meter errors = new Meter();
        Throwable[] failures = {
            new Error("an Error"), new SQLException("lost", "08006"), new IllegalStateException("bug")
        };
        ServiceLoop loop = ServiceLoop.builder("test loop", LoggerFactory.getLogger(ServiceLoopTest.class), () -> {
                    int n = calls.incrementAndGet();
                    if (n <= failures.length) {
                        if (failures[n - 1] instanceof Error e) {
                            throw e;
                        }
                        throw (Exception) failures[n - 1];
                    }
                    return true;
                })
                .stopping(() -> calls.get() >= 10)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(2))
                .errors(errors)
                .onFailure(cleanedUp::add)
                .build();
        Thread t = new Thread(loop);
        t.start();
        t.join(30_000);
        assertThat(t.isAlive())
                .as("loop still running after %d iterations", calls.get())
                .isFalse();
        assertThat(calls.get()).isEqualTo(10);
        assertThat(errors.getCount()).isEqualTo(3);
        assertThat(cleanedUp).containsExactly(failures);
        assertThat(loop.isHealthy()).isTrue();
    }

    @Test
    void anIterationCanEndTheLoop() {
        AtomicInteger calls = new AtomicInteger();
        ServiceLoop.builder(
                        "test loop", LoggerFactory.getLogger(ServiceLoopTest.class), () -> calls.incrementAndGet() < 3)
                .build()
                .run();
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void reportsUnhealthyWhileFailingTooLong() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        ServiceLoop[] loop = new ServiceLoop[1];
        List<Boolean> healthSeen = new ArrayList<>();
        loop[0] = ServiceLoop.builder("test loop", LoggerFactory.getLogger(ServiceLoopTest.class), () -> {
                    healthSeen.add(loop[0].isHealthy());
                    if (calls.incrementAndGet() < 5) {
                        throw new SQLException("down", "08001");
                    }
                    return false;
                })
                .backoff(Duration.ofMillis(400), Duration.ofMillis(400))
                .unhealthyAfter(Duration.ofMillis(100))
                .build();
        loop[0].run();
        assertThat(healthSeen).containsExactly(true, false, false, false, false); // failing for 400 ms and more
    }

    @Test
    void backoffDoublesUpToItsMaximum() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(500));
        assertThat(List.of(b.next(), b.next(), b.next(), b.next()))
                .containsExactly(
                        Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(500));
        b.reset();
        assertThat(b.next()).isEqualTo(Duration.ofMillis(100));
    }
}
