package io.pgq.testing.internal;

import io.pgq.testing.ServerKind;

/** A running PostgreSQL server that tests may create databases on. Not API. */
public interface TestServer {

    ServerKind kind();

    /** JDBC URL of {@code database} on this server, without credentials. */
    String jdbcUrl(String database);

    /** The maintenance database to connect to for CREATE/DROP DATABASE. */
    String adminDatabase();

    String user();

    String password();

    /** Human-readable description for the log (never contains the password). */
    String describe();
}
