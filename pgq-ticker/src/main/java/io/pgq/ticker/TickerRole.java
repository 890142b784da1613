package io.pgq.ticker;

/** What a running {@link Ticker} does in its database, beside its lifecycle {@link Ticker#state()}. */
public enum TickerRole {
    /** Holds the leader lock: ticks and runs maintenance. */
    LEADER,
    /** Connected (or not started); another instance holds the leader lock. Takes over when it goes. */
    STANDBY,
    /** Cannot reach the database; retrying with backoff (see {@link Ticker#isHealthy()}). */
    UNREACHABLE
}
