/**
 * The pgq-java SQL schema: a clean-room PL/pgSQL implementation of the PgQ 3.x API (schemas
 * {@code pgq} and {@code pgq_coop}, the change-capture triggers) and its installer.
 *
 * <p>Entry point: {@link io.pgq.schema.PgqSchema}. The same SQL ships as
 * {@code pgq-schema/target/sql/install.sql} for {@code psql -f}. Packages under
 * {@code io.pgq.schema.internal} (including the generated jOOQ classes) are not API.
 */
package io.pgq.schema;
