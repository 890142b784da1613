package io.pgq.core.service;

/** Where a {@link BackgroundService} is in its life: {@code NEW -> RUNNING -> STOPPING -> STOPPED}. */
public enum ServiceState {
    /** Built, not started. */
    NEW,
    /** Started: its threads run. */
    RUNNING,
    /** {@link BackgroundService#stop} was called; work in hand is being finished. */
    STOPPING,
    /** Stopped, or failed to start. A service is started once: build a new one to run again. */
    STOPPED
}
