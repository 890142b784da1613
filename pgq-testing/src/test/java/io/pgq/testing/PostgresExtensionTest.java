package io.pgq.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

class PostgresExtensionTest {

    /** Databases seen by the test classes below; two classes must never share one. */
    static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

    static String scalar(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Nested
    @ExtendWith(PostgresExtension.class)
    class FirstClass {
        @Test
        void givesARealServer(TestDatabase db) throws SQLException {
            assertThat(scalar(db, "select version()")).startsWith("PostgreSQL ");
            assertThat(scalar(db, "select current_database()")).isEqualTo(db.name());
            SEEN.add(db.name());
        }

        @Test
        void sessionsUseANonUtcTimeZone(TestDatabase db) throws SQLException {
            assertThat(scalar(db, "show timezone")).isEqualTo("Asia/Kathmandu");
            assertThat(scalar(db, "select extract(timezone_minute from now())::int")).isEqualTo("45");
        }

        @Test
        void databaseStartsEmptyAndIsPrivateToTheClass(TestDatabase db) throws SQLException {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("create table if not exists first_class_marker(x int)");
            }
            assertThat(scalar(db, "select count(*) from pg_class where relname = 'second_class_marker'")).isEqualTo("0");
            SEEN.add(db.name());
        }
    }

    @Nested
    @ExtendWith(PostgresExtension.class)
    class SecondClass {
        @Test
        void getsItsOwnDatabase(TestDatabase db) throws SQLException {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("create table second_class_marker(x int)");
            }
            assertThat(scalar(db, "select count(*) from pg_class where relname = 'first_class_marker'")).isEqualTo("0");
            SEEN.add(db.name());
        }
    }

    @AfterAll
    static void classesGotDifferentDatabases() {
        assertThat(SEEN).hasSize(2);
    }
}
