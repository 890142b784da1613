package io.pgq.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.consumer.internal.RawEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** ev_time arrives as text in the ISO DateStyle; every offset form PostgreSQL prints is read. */
class RawEventTimeTest {

    private static Instant parse(String text) {
        return new RawEvent(1, text, 1, 0, "t", null, null, null, null, null).instant();
    }

    @Test
    void readsPostgresTimestampTextWithEveryOffsetForm() {
        assertThat(parse("2025-11-25 07:03:19.898123+05:45")).isEqualTo(Instant.parse("2025-11-25T01:18:19.898123Z"));
        assertThat(parse("2025-11-25 07:03:19+00")).isEqualTo(Instant.parse("2025-11-25T07:03:19Z"));
        assertThat(parse("2025-11-25 07:03:19.5-03")).isEqualTo(Instant.parse("2025-11-25T10:03:19.5Z"));
        assertThat(parse("1900-01-01 00:00:00+01:24:12")).isEqualTo(Instant.parse("1899-12-31T22:35:48Z"));
    }
}
