package io.pgq.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Row inserts into a table with {@code pgq.jsontriga} against the same table without a trigger,
 * one row per transaction and 100 rows per transaction, one client.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class TriggerBenchmark {

    static final String QUEUE = "bench_cdc";
    static final String COLUMNS = "(id bigserial PRIMARY KEY, customer text NOT NULL, amount numeric(12,2), "
            + "created timestamptz NOT NULL DEFAULT now(), paid boolean NOT NULL DEFAULT false, note text)";

    @Param({BenchDatabase.PGQ_JAVA})
    public String impl;

    BenchDatabase db;
    Connection connection;
    PreparedStatement insertPlain;
    PreparedStatement insertTriggered;
    PreparedStatement insertPlain100;
    PreparedStatement insertTriggered100;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        db = BenchDatabase.create(impl);
        db.execute("SELECT pgq.create_queue('" + QUEUE + "')",
                "CREATE TABLE orders_plain " + COLUMNS,
                "CREATE TABLE orders_cdc " + COLUMNS,
                "CREATE TRIGGER orders_cdc_pgq AFTER INSERT OR UPDATE OR DELETE ON orders_cdc "
                        + "FOR EACH ROW EXECUTE PROCEDURE pgq.jsontriga('" + QUEUE + "')");
        connection = db.connect();
        insertPlain = connection.prepareStatement(insert("orders_plain", 1));
        insertTriggered = connection.prepareStatement(insert("orders_cdc", 1));
        insertPlain100 = connection.prepareStatement(insert("orders_plain", 100));
        insertTriggered100 = connection.prepareStatement(insert("orders_cdc", 100));
    }

    private static String insert(String table, int rows) {
        return "INSERT INTO " + table + " (customer, amount, note) "
                + "SELECT 'customer-' || i, i * 1.25, 'a short note' FROM generate_series(1, " + rows + ") i";
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        connection.close();
        db.close();
    }

    @Benchmark
    public int baselineInsert1PerTx() throws SQLException {
        return insertPlain.executeUpdate();
    }

    @Benchmark
    public int jsontrigaInsert1PerTx() throws SQLException {
        return insertTriggered.executeUpdate();
    }

    @Benchmark
    public int baselineInsert100PerTx() throws SQLException {
        return insertPlain100.executeUpdate();
    }

    @Benchmark
    public int jsontrigaInsert100PerTx() throws SQLException {
        return insertTriggered100.executeUpdate();
    }
}
