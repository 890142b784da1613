package io.pgq.cli;

/** A user error: printed as one line, exit code 1, no stack trace unless --verbose. */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
