package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

class InstallerTest {

    static String scalar(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static void execute(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Nested
    @ExtendWith(PostgresExtension.class)
    class FreshDatabase {
        @Test
        void installsThenIsUpToDateAndKeepsData(TestDatabase db) throws SQLException {
            InstallResult first = PgqSchema.install(db.dataSource());
            assertThat(first.outcome()).isEqualTo(InstallResult.Outcome.INSTALLED);
            assertThat(first.revision()).isEqualTo(PgqSchema.bundledRevision());
            assertThat(first.version()).startsWith("3.");

            execute(db, "select pgq.create_queue('kept')");
            execute(db, "select pgq.insert_event('kept', 'greeting', 'hello')");

            InstallResult second = PgqSchema.install(db.dataSource());
            assertThat(second.outcome()).isEqualTo(InstallResult.Outcome.UP_TO_DATE);
            assertThat(scalar(db, "select count(*) from pgq.queue where queue_name = 'kept'")).isEqualTo("1");
            assertThat(PgqSchema.inspect(db.dataSource()).revision()).isEqualTo(PgqSchema.bundledRevision());
        }
    }

    @Nested
    @ExtendWith(PostgresExtension.class)
    class OlderRevision {
        @Test
        void isUpgradedInPlaceKeepingQueuesAndEvents(TestDatabase db) throws SQLException {
            PgqSchema.install(db.dataSource());
            execute(db, "select pgq.create_queue('old')");
            execute(db, "select pgq.insert_event('old', 't', 'd')");
            execute(db, "comment on schema pgq is 'pgq-java schema revision 0'");

            InstallResult result = PgqSchema.install(db.dataSource());

            assertThat(result.outcome()).isEqualTo(InstallResult.Outcome.UPGRADED);
            assertThat(result.previousRevision()).isZero();
            assertThat(result.revision()).isEqualTo(PgqSchema.bundledRevision());
            assertThat(scalar(db, "select count(*) from pgq.event_template")).isEqualTo("1");
        }

        @Test
        void newerRevisionIsRefusedWithAClearMessage(TestDatabase db) throws SQLException {
            PgqSchema.install(db.dataSource());
            execute(db, "comment on schema pgq is 'pgq-java schema revision 999'");
            try {
                assertThatThrownBy(() -> PgqSchema.install(db.dataSource()))
                        .isInstanceOf(SchemaInstallException.class)
                        .hasMessageContaining("revision 999")
                        .hasMessageContaining("upgrade pgq-java");
            } finally {
                execute(db, "comment on schema pgq is 'pgq-java schema revision " + PgqSchema.bundledRevision() + "'");
            }
        }
    }

    @Nested
    @ExtendWith(PostgresExtension.class)
    class ConcurrentStart {
        @Test
        void twoApplicationsInstallingTogetherDoNotCollide(TestDatabase db) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<InstallResult>> results = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    Callable<InstallResult> install = () -> PgqSchema.install(db.dataSource());
                    results.add(pool.submit(install));
                }
                List<InstallResult.Outcome> outcomes = new ArrayList<>();
                for (Future<InstallResult> f : results) {
                    outcomes.add(f.get().outcome());
                }
                assertThat(outcomes).containsOnlyOnce(InstallResult.Outcome.INSTALLED);
                assertThat(outcomes).filteredOn(o -> o == InstallResult.Outcome.UP_TO_DATE).hasSize(3);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Nested
    @ExtendWith(PostgresExtension.class)
    class ForeignPgq {
        @Test
        void isRefusedUnlessToldToUseItAndNothingChanges(TestDatabase db) throws SQLException {
            execute(db, "create schema pgq; create function pgq.version() returns text language sql as $$ select '3.5'::text $$");

            assertThatThrownBy(() -> PgqSchema.install(db.dataSource()))
                    .isInstanceOf(SchemaInstallException.class)
                    .hasMessageContaining("already has a PgQ that pgq-java did not install")
                    .hasMessageContaining("InstallOptions.useExisting()");
            assertThat(scalar(db, "select count(*) from pg_class where relnamespace = 'pgq'::regnamespace")).isEqualTo("0");

            InstallResult used = PgqSchema.install(db.dataSource(), InstallOptions.useExisting());
            assertThat(used.outcome()).isEqualTo(InstallResult.Outcome.USED_EXISTING);
            assertThat(used.version()).isEqualTo("3.5");
        }
    }
}
