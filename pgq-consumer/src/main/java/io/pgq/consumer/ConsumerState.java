package io.pgq.consumer;

/** Lifecycle of a {@link PgqConsumer}: {@code NEW -> RUNNING -> STOPPING -> STOPPED}. */
public enum ConsumerState {
    /** Built, not started; {@link PgqConsumer#runOnce()} may be used. */
    NEW,
    /** Threads are running. */
    RUNNING,
    /** {@link PgqConsumer#stop} was called; batches in hand are being finished. */
    STOPPING,
    /** Stopped (or failed to start); it cannot be started again, build a new one. */
    STOPPED
}
