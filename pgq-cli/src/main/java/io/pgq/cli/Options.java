package io.pgq.cli;

/** Checks of option values before anything connects, with one message format. */
final class Options {

    private Options() {
    }

    /** Refuses {@code value} below {@code min}: "--limit must be at least 1, got -1". */
    static void atLeast(String option, long value, long min) {
        if (value < min) {
            throw new CliException(option + " must be at least " + min + ", got " + value);
        }
    }
}
