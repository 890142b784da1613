package io.pgq.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void backoffGrowsByTheMultiplierUpToMaxDelay() {
        RetryPolicy p = RetryPolicy.builder().initialDelay(Duration.ofSeconds(1)).multiplier(2)
                .maxDelay(Duration.ofSeconds(5)).jitter(0).build();
        assertThat(p.delay(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.delay(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.delay(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(p.delay(4)).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.delay(1000)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void jitterSpreadsTheBackoffWithinItsBoundsButNeverAboveMaxDelay() {
        RetryPolicy p = RetryPolicy.builder().initialDelay(Duration.ofSeconds(10)).multiplier(2)
                .maxDelay(Duration.ofSeconds(30)).jitter(0.5).build();
        assertThat(p.delay(1, 0.0)).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.delay(1, 0.5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.delay(1, 0.999999)).isBetween(Duration.ofMillis(14_999), Duration.ofSeconds(15));
        assertThat(p.delay(3, 0.999)).isEqualTo(Duration.ofSeconds(30));
        for (int i = 0; i < 1000; i++) {
            assertThat(p.delay(2)).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(30));
        }
    }

    @Test
    void attemptsAndExceptionClasses() {
        RetryPolicy p = RetryPolicy.builder().maxAttempts(3).retryOn(IOException.class)
                .deadLetterOn(java.io.FileNotFoundException.class).build();
        assertThat(p.hasAttemptsLeft(2)).isTrue();
        assertThat(p.hasAttemptsLeft(3)).isFalse();
        assertThat(p.isRetriable(new IOException())).isTrue();
        assertThat(p.isRetriable(new UncheckedIOException(new IOException()))).isTrue();   // as a cause
        assertThat(p.isRetriable(new java.io.FileNotFoundException())).isFalse();           // deadLetterOn wins
        assertThat(p.isRetriable(new IllegalStateException())).isFalse();                   // not in retryOn
        assertThat(RetryPolicy.defaults().isRetriable(new IllegalStateException())).isTrue();
        assertThat(RetryPolicy.none().hasAttemptsLeft(1)).isFalse();
    }

    @Test
    void builderRejectsInvalidSettingsNamingThem() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0).build())
                .hasMessage("maxAttempts must be at least 1, got 0");
        assertThatThrownBy(() -> RetryPolicy.builder().multiplier(0.5).build())
                .hasMessage("multiplier must be at least 1.0 and finite, got 0.5");
        assertThatThrownBy(() -> RetryPolicy.builder().jitter(1.5).build())
                .hasMessage("jitter must be between 0.0 and 1.0, got 1.5");
        assertThatThrownBy(() -> RetryPolicy.builder().initialDelay(Duration.ofSeconds(-1)).build())
                .hasMessage("initialDelay must not be negative, got -1 s");
        assertThatThrownBy(() -> RetryPolicy.builder().initialDelay(Duration.ofMinutes(20)).build())
                .hasMessage("maxDelay must be at least initialDelay (20 min), got 10 min");
        assertThatThrownBy(() -> RetryPolicy.builder().retryOn(IOException.class).deadLetterOn(IOException.class).build())
                .hasMessage("java.io.IOException is listed in both retryOn and deadLetterOn");
        assertThatThrownBy(() -> Outcome.retry(Duration.ofSeconds(-1)))
                .hasMessage("retry delay must not be negative, got -1 s");
    }
}
