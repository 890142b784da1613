package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * pgq.logutriga/sqltriga/jsontriga against the expected transcripts of
 * {@code dev/trigger-expectations} (p1..p8; p6: the jsontriga fast path and its metadata cache across ALTER TABLE;
 * p7: the fast path of all three triggers, on tables whose every column it renders itself; p8: its rendering by one
 * format() over the row's values, with values and column names that look like array, record or format syntax):
 * every trigger argument, every column type's encoding
 * in the three formats (incl. limits, NULL, NaN, infinity, BC dates, arrays, json, domains, enums,
 * composites, odd names, DateStyle SQL/DMY, sql_standard intervals) and the error texts (no
 * primary key, primary key update, deny, SKIP in AFTER, truncate arguments, bad arguments). The
 * transcripts were checked against the reference C triggers (reference §8.1) except the two
 * deliberate deviations in {@code docs/design/triggers.md}. pgq.insert_event(7 args) is
 * replaced by a mock (00-mock.sql) that records its arguments in public.ev_log.
 */
class TriggerExpectationsTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    @BeforeAll
    static void installMock(TestDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(TriggerScript.read("00-mock.sql"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"})
    void eventsAndErrorsAreExactlyTheExpectedOnes(String script, TestDatabase db) throws SQLException {
        try (Connection c = db.connect()) {
            String actual = TriggerScript.run(c, TriggerScript.read(script + ".sql"));
            String expected = TriggerScript.expected(script);
            assertThat(expected).as("expected transcript of %s", script).contains("rows)");
            assertThat(actual).isEqualTo(expected);
        }
    }
}
