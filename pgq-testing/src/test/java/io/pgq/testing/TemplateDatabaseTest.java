package io.pgq.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TemplateDatabaseTest {

    static final AtomicInteger INITIALIZER_RUNS = new AtomicInteger();

    static void initialize(DataSource dataSource) {
        INITIALIZER_RUNS.incrementAndGet();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("create table greeting(text text); insert into greeting values ('hello')");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Nested
    class First {
        @RegisterExtension
        static final PostgresExtension PG = PostgresExtension.withTemplate("greeting", TemplateDatabaseTest::initialize);

        @Test
        void seesTheTemplateAndChangesOnlyItsCopy(TestDatabase db) throws SQLException {
            assertThat(PostgresExtensionTest.scalar(db, "select string_agg(text, ',') from greeting")).isEqualTo("hello");
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("insert into greeting values ('changed by First')");
            }
        }
    }

    @Nested
    class Second {
        @RegisterExtension
        static final PostgresExtension PG = PostgresExtension.withTemplate("greeting", TemplateDatabaseTest::initialize);

        @Test
        void getsAnUntouchedCopy(DataSource dataSource, TestDatabase db) throws SQLException {
            assertThat(dataSource).isSameAs(db.dataSource());
            assertThat(PostgresExtensionTest.scalar(db, "select string_agg(text, ',') from greeting")).isEqualTo("hello");
        }
    }

    @AfterAll
    static void initializerRanOnce() {
        assertThat(INITIALIZER_RUNS).hasValue(1);
    }
}
