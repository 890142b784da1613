package io.pgq.consumer;

import com.codahale.metrics.MetricRegistry;
import io.pgq.ticker.Ticker;
import io.pgq.ticker.TickerConfig;
import io.pgq.ticker.TickerRole;
import java.time.Duration;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A ticker daemon in a JVM of its own, for the multi-JVM topic tests: leadership through
 * {@code pgq.ticker_lease} (the default lease of 3 s, checked every 200 ms). Prints {@code role LEADER},
 * {@code role STANDBY} ... at each change of its role and runs until killed.
 *
 * <pre>args: jdbcUrl user password name</pre>
 */
public final class TopicTickerProcess {

    private TopicTickerProcess() {
    }

    public static void main(String[] args) throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(args[0]);
        if (!args[1].isEmpty()) {
            ds.setUser(args[1]);
        }
        if (!args[2].isEmpty()) {
            ds.setPassword(args[2]);
        }
        TickerConfig config = TickerConfig.builder().leaderCheckPeriod(Duration.ofMillis(200)).build();
        Ticker ticker = Ticker.builder(args[3], ds).config(config).metrics(new MetricRegistry()).build();
        ticker.start();
        TickerRole last = null;
        while (true) {
            TickerRole role = ticker.role();
            if (role != last) {
                System.out.println("role " + role);
                System.out.flush();
                last = role;
            }
            Thread.sleep(20);
        }
    }
}
