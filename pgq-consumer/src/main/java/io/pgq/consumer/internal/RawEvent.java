package io.pgq.consumer.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * One row of a batch as {@code pgq.get_batch_cursor} returns it; {@code retry} is 0 for NULL.
 * {@code ev_time} is kept as the driver delivered it and converted only when asked for: most
 * handlers never look at it, and converting costs more than the rest of the row. In text
 * transfer it is PostgreSQL's text ({@code timeText}, ISO DateStyle, which the driver sets); in
 * binary transfer it is microseconds since 2000-01-01 UTC ({@code timeMicros}, else
 * {@link #NO_MICROS}). Both {@code null} and {@code NO_MICROS}: ev_time is NULL.
 * {@code ev_data} is kept as the UTF-8 bytes the driver received (pgjdbc always sets
 * {@code client_encoding} to UTF8): Jackson reads typed payloads from them, and the text is made
 * only when asked for.
 */
public record RawEvent(long id, String timeText, long timeMicros, long txid, int retry, String type, byte[] dataUtf8,
                       String extra1, String extra2, String extra3, String extra4) {

    /** {@code timeMicros} when ev_time did not come in binary. */
    public static final long NO_MICROS = Long.MIN_VALUE;
    /** 2000-01-01T00:00:00Z, PostgreSQL's epoch, in seconds since 1970-01-01T00:00:00Z. */
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;

    /** A row whose ev_time came as text ({@code null} for NULL). */
    public RawEvent(long id, String time, long txid, int retry, String type, String data,
                    String extra1, String extra2, String extra3, String extra4) {
        this(id, time, NO_MICROS, txid, retry, type, data == null ? null : data.getBytes(StandardCharsets.UTF_8),
                extra1, extra2, extra3, extra4);
    }

    /** {@code ev_data}, or {@code null} when it is NULL; a new String on each call. */
    public String data() {
        return dataUtf8 == null ? null : new String(dataUtf8, StandardCharsets.UTF_8);
    }

    /** {@code ev_time}, or {@code null} when it is NULL. */
    public Instant instant() {
        if (timeText != null) {
            return parse(timeText).toInstant();
        }
        if (timeMicros == NO_MICROS) {
            return null;
        }
        return Instant.ofEpochSecond(POSTGRES_EPOCH_SECONDS + Math.floorDiv(timeMicros, 1_000_000L),
                Math.floorMod(timeMicros, 1_000_000L) * 1_000L);
    }

    /** Parses {@code 2025-11-25 07:03:19.898123+05:45} (also {@code +05} and {@code +05:45:30} offsets). */
    static OffsetDateTime parse(String text) {
        String iso = text.replace(' ', 'T');
        int sign = Math.max(iso.lastIndexOf('+'), iso.lastIndexOf('-'));
        if (sign > 10 && iso.length() - sign == 3) {
            iso = iso + ":00";
        }
        return OffsetDateTime.parse(iso);
    }
}
