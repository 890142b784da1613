package io.pgq.ticker.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Tells whether another session of the ticker's database can have written since a look: events
 * come only from sessions of the queues' database, while the snapshot that {@link ChangeWatch}
 * reads changes with every writing transaction of the server. A look reads, in one statement,
 * the server's snapshot and time, the sessions of this database other than the caller's own
 * ({@code pg_stat_activity}: pid and start) and how many sessions the database has seen
 * ({@code pg_stat_database.sessions}, counted at the latest when a session ends). The next look
 * says "quiet" only when, since the time of the reference look, no other session of the
 * database ran a statement or was in a transaction (a session whose state this role may not see
 * counts as busy), none ended or started, and the session count did not move (a session that
 * came and went in between). An event committed after the reference look leaves one of those
 * traces. A session that ends without its count having been written yet is missed by one
 * look at most: the tick loop still ticks its events at the next pass due by time (at most 10 s
 * later). PostgreSQL 13 has no session count: there every look says "busy", which is the
 * behaviour without this watch. Not thread-safe; used by the tick loop's thread.
 */
final class SessionWatch {

    private static final String LOOK = "SELECT pg_catalog.pg_current_snapshot()::text, pg_catalog.statement_timestamp()::text,"
            + " (SELECT pg_catalog.string_agg(a.pid || '@' || a.backend_start, ',' ORDER BY a.pid)"
            + " FROM pg_catalog.pg_stat_activity a WHERE a.datname = pg_catalog.current_database()"
            + " AND a.pid <> pg_catalog.pg_backend_pid()),"
            + " (SELECT pg_catalog.count(*) FROM pg_catalog.pg_stat_activity a WHERE a.datname = pg_catalog.current_database()"
            + " AND a.pid <> pg_catalog.pg_backend_pid()"
            + " AND (a.state IS DISTINCT FROM 'idle' OR a.state_change IS NULL OR a.state_change >= ?::timestamptz)),"
            + " (SELECT d.sessions FROM pg_catalog.pg_stat_database d WHERE d.datname = pg_catalog.current_database())";

    private static final String SNAPSHOT_ONLY = "SELECT pg_catalog.pg_current_snapshot()::text";

    private PreparedStatement look;
    private boolean sessionCountKept;
    private String since;
    private String sessions;
    private Long sessionCount;

    /** What a look saw: the snapshot it started from, and whether the database's other sessions were quiet. */
    record Look(String snapshot, boolean quiet) {
    }

    /**
     * Looks at the database's sessions (one statement) and makes this look the reference for the
     * next one. The first look after {@link #reset()} is never quiet.
     */
    Look look(Connection c) throws SQLException {
        if (look == null) {
            sessionCountKept = c.getMetaData().getDatabaseMajorVersion() >= 14;
            look = c.prepareStatement(sessionCountKept ? LOOK : SNAPSHOT_ONLY);
        }
        if (!sessionCountKept) {
            try (ResultSet rs = look.executeQuery()) {
                rs.next();
                return new Look(rs.getString(1), false);
            }
        }
        look.setString(1, since == null ? "infinity" : since);
        try (ResultSet rs = look.executeQuery()) {
            rs.next();
            String nowSessions = rs.getString(3);
            Long nowCount = rs.getObject(5, Long.class);
            boolean quiet = since != null && rs.getLong(4) == 0 && Objects.equals(sessions, nowSessions)
                    && nowCount != null && nowCount.equals(sessionCount);
            since = rs.getString(2);
            sessions = nowSessions;
            sessionCount = nowCount;
            return new Look(rs.getString(1), quiet);
        }
    }

    /** Forgets the reference look (lost leadership, a failure): the next look is not quiet. */
    void reset() {
        since = null;
        sessions = null;
        sessionCount = null;
    }

    /** After the connection was closed: forgets its prepared statement too. */
    void disconnected() {
        look = null;
        reset();
    }
}
