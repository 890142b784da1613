package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Docs move with the code: every public function of the schema is documented. */
class SqlReferenceDocsTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    @Test
    void everyFunctionIsInTheSqlReference(TestDatabase db) throws Exception {
        String docs = Files.readString(Path.of("../docs/sql-reference.md"))
                + Files.readString(Path.of("../docs/sql-triggers-coop.md"));
        List<String> undocumented = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT DISTINCT n.nspname || '.' || p.proname FROM pg_proc p "
                     + "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('pgq', 'pgq_coop') "
                     + "AND (p.proname NOT LIKE '\\_%' OR p.proname = '_grant_perms_from') ORDER BY 1")) {
            while (rs.next()) {
                if (!docs.contains(rs.getString(1) + "(")) {
                    undocumented.add(rs.getString(1));
                }
            }
        }
        assertThat(undocumented).as("functions missing from docs/sql-reference.md and docs/sql-triggers-coop.md").isEmpty();
    }
}
