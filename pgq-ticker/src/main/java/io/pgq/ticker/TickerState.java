package io.pgq.ticker;

/** What a {@link Ticker} is doing. */
public enum TickerState {
    /** Created, not started. */
    NEW,
    /** Connected, another instance holds the leader lock; waiting to take over. */
    STANDBY,
    /** Holds the leader lock: ticks and runs maintenance. */
    LEADER,
    /** Cannot reach the database; retrying with backoff (see {@link Ticker#isHealthy()}). */
    UNREACHABLE,
    /** Stopped. */
    STOPPED
}
