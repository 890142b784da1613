package io.pgq.consumer.internal;

import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * One row of a batch as {@code pgq.get_batch_cursor} returns it; {@code retry} is 0 for NULL.
 * {@code time} is kept as PostgreSQL's text (ISO DateStyle, which the driver sets) and parsed
 * only when asked for: most handlers never look at it, and parsing costs more than the rest of
 * the row.
 */
public record RawEvent(long id, String time, long txid, int retry, String type, String data,
                       String extra1, String extra2, String extra3, String extra4) {

    /** {@code ev_time}, parsed. */
    public Instant instant() {
        return time == null ? null : parse(time).toInstant();
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
