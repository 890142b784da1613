package io.pgq.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Database strings as psql reads them: JDBC URLs, libpq URIs and key/value strings. */
@ExtendWith(PostgresExtension.class)
class ConnInfoTest {

    @Test
    void libpqUrisBecomeJdbcUrls() {
        assertThat(ConnInfo.toJdbcUrl("postgresql://app:s%40cret@db1:6432,db2/orders?sslmode=require&application_name=x y"))
                .isEqualTo("jdbc:postgresql://db1:6432,db2:5432/orders?user=app&password=s%40cret&sslmode=require"
                        + "&ApplicationName=x+y");
        assertThat(ConnInfo.toJdbcUrl("postgres://pgq@localhost/app")).isEqualTo("jdbc:postgresql://localhost:5432/app?user=pgq");
        assertThat(ConnInfo.toJdbcUrl("postgresql://")).isEqualTo("jdbc:postgresql://localhost:5432/postgres");
        assertThat(ConnInfo.toJdbcUrl("postgresql://[::1]:5433/db?target_session_attrs=read-write&connect_timeout=3"))
                .isEqualTo("jdbc:postgresql://[::1]:5433/db?targetServerType=primary&connectTimeout=3");
        assertThat(ConnInfo.toJdbcUrl("postgresql://u@h/db?host=other&port=7000"))
                .isEqualTo("jdbc:postgresql://other:7000/db?user=u");
        assertThat(ConnInfo.toJdbcUrl("host=db1,db2 port=5432,5433 dbname=app user=pgq"))
                .isEqualTo("jdbc:postgresql://db1:5432,db2:5433/app?user=pgq");
        assertThat(ConnInfo.toJdbcUrl("jdbc:postgresql://h/db?user=u")).isEqualTo("jdbc:postgresql://h/db?user=u");
    }

    @Test
    void malformedStringsAreRefusedWithWhatIsWrongAndNoPassword() {
        assertThatThrownBy(() -> ConnInfo.toJdbcUrl("postgresql://u:secret@db1:port/app"))
                .hasMessageContaining("port 'port' is not a number from 1 to 65535").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> ConnInfo.toJdbcUrl("postgresql://db1/app?sslmode"))
                .hasMessageContaining("query parameter 'sslmode' is not name=value");
        assertThatThrownBy(() -> ConnInfo.toJdbcUrl("postgresql://db1/app?sslmod=require"))
                .hasMessageContaining("unknown parameter 'sslmod'").hasMessageContaining("sslmode");
        assertThatThrownBy(() -> ConnInfo.toJdbcUrl("postgresql://[::1/app")).hasMessageContaining("without ']'");
        assertThatThrownBy(() -> ConnInfo.toJdbcUrl("postgresql://db1/a%zzb")).hasMessageContaining("bad %-escape");
        assertThatThrownBy(() -> ConnInfo.toJdbcUrl("postgresql://a,b,c/app?port=1,2"))
                .hasMessageContaining("3 hosts but 2 ports");
        assertThatThrownBy(() -> ConnInfo.toJdbcUrl("jdbc:mysql://h/db")).hasMessageContaining("only jdbc:postgresql:");
        assertThatThrownBy(() -> ConnInfo.toJdbcUrl("host=/var/run/postgresql dbname=x"))
                .hasMessageContaining("Unix-domain socket");
        assertThat(ConnInfo.masked("postgresql://u:secret@h/db")).isEqualTo("postgresql://u:****@h/db");
        assertThat(ConnInfo.masked("jdbc:postgresql://h/db?user=u&password=secret&x=1"))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=****&x=1");
    }

    @Test
    void aUriWithAHostListConnectsLikePsql(TestDatabase db) {
        PgqSchema.install(db.dataSource());
        String user = db.user() == null ? "postgres" : db.user();
        String uri = "postgresql://" + user + (db.password() == null ? "" : ":" + db.password()) + "@127.0.0.1:1,"
                + server(db) + "/" + db.name() + "?connect_timeout=5";

        CliTest.Run r = CliTest.run(null, "status", "--db", uri);

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Database " + db.name());
    }

    private static String server(TestDatabase db) {
        String rest = db.jdbcUrl().substring("jdbc:postgresql://".length());
        return rest.substring(0, rest.indexOf('/'));
    }
}
