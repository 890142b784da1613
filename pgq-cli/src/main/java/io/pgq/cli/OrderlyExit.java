package io.pgq.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets a command clean up after itself when the JVM is asked to exit (SIGINT from Ctrl-C,
 * SIGTERM from a supervisor). The JVM halts as soon as its shutdown hooks return, so a hook
 * that only tells the main thread to stop loses the main thread's {@code finally} blocks. This
 * hook tells the command to stop ({@link #stopRequested()}, the given action), then waits until
 * the command has {@linkplain #close() closed} this object, at most {@code wait}.
 *
 * <p>Use it around the work whose cleanup must run, created before anything temporary is
 * registered:
 * <pre>{@code
 * try (OrderlyExit exit = OrderlyExit.install("pgq-tail", Duration.ofSeconds(10), () -> {})) {
 *     register();
 *     try { work(exit); } finally { unregister(); }
 * }
 * }</pre>
 * Thread-safe.
 */
final class OrderlyExit implements AutoCloseable {

    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;
    private final Duration wait;
    private final Runnable onStop;
    private volatile boolean stopRequested;

    private OrderlyExit(String name, Duration wait, Runnable onStop) {
        this.wait = wait;
        this.onStop = onStop;
        this.hook = new Thread(this::stopAndWait, name + "-shutdown");
    }

    /** Installs the shutdown hook; {@code onStop} runs on the hook's thread when a signal came. */
    static OrderlyExit install(String name, Duration wait, Runnable onStop) {
        OrderlyExit exit = new OrderlyExit(name, wait, onStop);
        Runtime.getRuntime().addShutdownHook(exit.hook);
        return exit;
    }

    /** Whether the JVM was asked to exit: the command should stop and clean up. */
    boolean stopRequested() {
        return stopRequested;
    }

    private void stopAndWait() {
        stopRequested = true;
        onStop.run();
        try {
            if (!closed.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println("pgq: cleanup did not finish within " + Tables.duration(wait) + "; exiting anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The cleanup is done: a pending exit may go on. Removes the hook when no exit is pending. */
    @Override
    public void close() {
        closed.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException exiting) {
            // the JVM is already exiting: the hook is running and now returns
        }
    }
}
