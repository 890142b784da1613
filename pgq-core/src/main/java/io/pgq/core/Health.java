package io.pgq.core;

import java.util.Objects;

/**
 * Whether a component (a consumer, a ticker, the database) is fine, and why not. Immutable.
 *
 * @param healthy whether it works as it should
 * @param reason  one line a person can act on: what is wrong and what to do, or what it is doing
 */
public record Health(boolean healthy, String reason) {

    public Health {
        Objects.requireNonNull(reason, "reason");
    }

    public static Health healthy(String reason) {
        return new Health(true, reason);
    }

    public static Health unhealthy(String reason) {
        return new Health(false, reason);
    }
}
