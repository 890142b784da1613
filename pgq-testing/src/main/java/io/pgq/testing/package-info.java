/**
 * Test support for pgq-java and for applications built on it: a JUnit 5 extension that hands
 * each test class its own fresh database on a real PostgreSQL server.
 *
 * <p>The server is chosen once per JVM, in this order:
 * <ol>
 *   <li>the server named by the environment variable {@code PGQ_TEST_JDBC_URL} (or the system
 *       property {@code pgq.test.jdbcUrl}), for example
 *       {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres};</li>
 *   <li>a Testcontainers PostgreSQL container when a Docker engine is reachable;</li>
 *   <li>an embedded PostgreSQL whose binaries come from Maven Central.</li>
 * </ol>
 * The log says which one was chosen. {@code PGQ_TEST_SERVER=url|docker|embedded} forces a choice.
 *
 * <p>Entry points: {@link io.pgq.testing.PostgresExtension} and {@link io.pgq.testing.TestDatabase};
 * {@link io.pgq.testing.PgBouncer} puts a real PgBouncer in transaction mode in front of a database.
 * Everything in {@code io.pgq.testing.internal} is not API and may change.
 */
package io.pgq.testing;
