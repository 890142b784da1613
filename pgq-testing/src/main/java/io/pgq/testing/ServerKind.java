package io.pgq.testing;

/** Where the test PostgreSQL server comes from. */
public enum ServerKind {
    /** A server given by {@code PGQ_TEST_JDBC_URL}. */
    EXTERNAL,
    /** A Testcontainers container on a reachable Docker engine. */
    TESTCONTAINERS,
    /** An embedded server started from the io.zonky.test binaries on Maven Central. */
    EMBEDDED
}
