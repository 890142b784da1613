package io.pgq.consumer.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * What the database's pgq schema offers beyond the reference PgQ's API, looked up on first use
 * and then remembered for the consumer's life. Thread-safe.
 */
final class SchemaFeatures {

    private static final String EVENT_RETRY_MANY = "pgq.event_retry_many(bigint, bigint[], timestamptz[])";

    private volatile Boolean setBasedRetry;

    /**
     * Whether {@code pgq.event_retry_many} exists (pgq-java's schema): it retries all of a batch's
     * events reading the batch once. The reference PgQ only has the per-event {@code pgq.event_retry}.
     */
    boolean setBasedRetry(Connection c) throws SQLException {
        Boolean known = setBasedRetry;
        if (known == null) {
            try (PreparedStatement st = c.prepareStatement("SELECT pg_catalog.to_regprocedure(?) IS NOT NULL")) {
                st.setString(1, EVENT_RETRY_MANY);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    known = rs.getBoolean(1);
                }
            }
            setBasedRetry = known;
        }
        return known;
    }
}
