package io.pgq.ticker;

import com.codahale.metrics.MetricRegistry;
import java.time.Duration;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A ticker in its own JVM, for the failover tests: prints LEADER once it leads, then runs until
 * killed. Arguments: JDBC URL, user, password, and optionally the lease in milliseconds.
 */
public final class TickerMain {

    private TickerMain() {
    }

    public static void main(String[] args) throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(args[0]);
        if (!args[1].isEmpty()) {
            ds.setUser(args[1]);
        }
        if (args.length > 2 && !args[2].isEmpty()) {
            ds.setPassword(args[2]);
        }
        TickerConfig config = args.length > 3
                ? TickerConfig.builder().leaderCheckPeriod(Duration.ofMillis(200))
                        .leaderLease(Duration.ofMillis(Long.parseLong(args[3]))).build()
                : FailoverTest.config();
        Ticker ticker = Ticker.builder("child", ds).config(config).metrics(new MetricRegistry()).build();
        ticker.start();
        while (!ticker.isLeader()) {
            Thread.sleep(20);
        }
        System.out.println("LEADER");
        System.out.flush();
        Thread.sleep(Duration.ofMinutes(10).toMillis());
    }
}
