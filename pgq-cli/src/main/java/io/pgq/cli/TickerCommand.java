package io.pgq.cli;

import com.codahale.metrics.MetricRegistry;
import io.pgq.core.Health;
import io.pgq.ticker.Ticker;
import io.pgq.ticker.TickerConfig;
import io.pgq.ticker.TickerMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pgq ticker}: the ticker and maintenance daemon in the foreground, until SIGINT/SIGTERM.
 * Exits with code 3 when a database stayed unreachable for {@code unhealthy_after}, so that a
 * supervisor notices instead of the daemon looking fine.
 */
@Command(name = "ticker", mixinStandardHelpOptions = true,
        description = "Run the ticker and maintenance daemon in the foreground (what pgqd/pgqadm ticker do).")
class TickerCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(TickerCommand.class);

    @Option(names = "--db", paramLabel = "URL", description = "A database to tick (repeat for several). Default: the "
            + "config file's db, or $" + Database.ENV + ".")
    List<String> databases = new ArrayList<>();
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "INI file (pgqadm keys job_name, db, "
            + "maint_delay_min, loop_delay, logfile, pidfile, and pgq-java's own; see docs/operations.md).")
    Path config;
    @Option(names = "--tick-period", converter = Durations.Converter.class, paramLabel = "DURATION",
            description = "Time between tick passes (default 10ms; the config file's tick_period or loop_delay).")
    Duration tickPeriod;
    @Option(names = "--max-tick-lag", paramLabel = "DURATION|off", description = "Cap on how long a queue with new "
            + "events waits for a tick (default 20ms; 'off' keeps each queue's ticker_max_lag).")
    String maxTickLag;
    @Option(names = "--unhealthy-after", converter = Durations.Converter.class, paramLabel = "DURATION",
            description = "Exit with code 3 when a database stays unreachable this long (default 30s).")
    Duration unhealthyAfter;
    @Option(names = "--keep-running-when-unhealthy", description = "Do not exit when a database stays unreachable.")
    boolean keepRunning;
    @Option(names = "--stats-period", converter = Durations.Converter.class, paramLabel = "DURATION",
            description = "How often to log a stats line (default 30s).")
    Duration statsPeriod = Duration.ofSeconds(30);
    @Mixin
    MetricsPort metricsPort;

    @Override
    public Integer call() throws Exception {
        metricsPort.validate();
        IniConfig ini = config == null ? null : IniConfig.read(config);
        TickerConfig tickerConfig = tickerConfig(ini);
        Integer port = metricsPort.port != null ? metricsPort.port
                : ini != null && ini.get("metrics_port") != null ? Integer.valueOf(ini.get("metrics_port")) : null;
        List<String> urls = urls(ini);
        String jobName = ini != null && ini.get("job_name") != null ? ini.get("job_name") : "pgq-ticker";
        Logging.configureFile(ini == null ? null : ini.get("logfile"));
        PgqCommand.daemonLogging();
        if (ini != null) {
            ini.ignored().forEach(LOG::info);
        }
        Path pidfile = ini == null || ini.get("pidfile") == null ? null : Path.of(ini.get("pidfile"));
        writePidfile(pidfile);
        MetricRegistry metrics = new MetricRegistry();
        List<TickedDatabase> databases = TickedDatabase.of(urls);
        List<Ticker> tickers = new ArrayList<>();
        for (TickedDatabase d : databases) {
            tickers.add(Ticker.builder(d.name(), Database.dataSource(d.jdbcUrl())).config(tickerConfig).metrics(metrics)
                    .build());
        }
        LOG.info("Starting {} for {} database(s)", jobName, tickers.size());   // each ticker logs its configuration
        databases.forEach(d -> LOG.info("{}: ticker {} ticks database {}", jobName, d.name(), d.where()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            tickers.forEach(t -> t.stop(Duration.ofSeconds(5)));
            deletePidfile(pidfile);
            stopped.countDown();
        }, "pgq-ticker-shutdown"));
        tickers.forEach(Ticker::start);
        Map<String, Supplier<Health>> checks = new LinkedHashMap<>();
        for (int i = 0; i < tickers.size(); i++) {
            Ticker t = tickers.get(i);
            String where = databases.get(i).where();
            checks.put("ticker " + t.name(), () -> t.isHealthy()
                    ? Health.healthy(t.role() + " on database " + where)
                    : Health.unhealthy("cannot reach database " + where + " for more than "
                            + Tables.duration(tickerConfig.unhealthyAfter())));
        }
        MetricsPort.start(port, metrics, checks, System.out);
        return watch(new TickerStates(jobName, tickers, databases), metrics, stopped, tickerConfig, ini);
    }

    private int watch(TickerStates states, MetricRegistry metrics, CountDownLatch stopped, TickerConfig config,
                      IniConfig ini) throws InterruptedException {
        List<Ticker> tickers = states.tickers();
        boolean exitWhenUnhealthy = !(keepRunning || (ini != null && Boolean.TRUE.equals(ini.bool("keep_running_when_unhealthy"))));
        long nextStats = System.nanoTime() + statsPeriod.toNanos();
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            states.check();
            for (Ticker t : tickers) {
                if (exitWhenUnhealthy && !t.isHealthy()) {
                    LOG.error("Database {} unreachable for more than {} s: exiting with code {} so that a supervisor "
                            + "notices (use --keep-running-when-unhealthy to keep retrying)", states.where(t),
                            config.unhealthyAfter().toSeconds(), PgqCommand.EXIT_UNHEALTHY);
                    return PgqCommand.EXIT_UNHEALTHY;
                }
            }
            if (System.nanoTime() - nextStats > 0) {
                nextStats = System.nanoTime() + statsPeriod.toNanos();
                tickers.forEach(t -> LOG.info("{} ({}): {} ticks: {}, maintenance: {}, retries: {}, errors: {}", t.name(),
                        states.where(t),
                        t.role(), metrics.meter(TickerMetrics.ticks(t.name())).getCount(),
                        metrics.meter(TickerMetrics.maintenance(t.name())).getCount(),
                        metrics.meter(TickerMetrics.retries(t.name())).getCount(),
                        metrics.meter(TickerMetrics.errors(t.name())).getCount()));
            }
        }
        return 0;
    }

    private List<String> urls(IniConfig ini) {
        List<String> result = new ArrayList<>();
        for (String db : databases) {
            result.add(ConnInfo.toJdbcUrl(db));
        }
        if (result.isEmpty() && ini != null && ini.get("db") != null) {
            result.add(ConnInfo.toJdbcUrl(ini.get("db")));
        }
        if (result.isEmpty() && System.getenv(Database.ENV) != null) {
            result.add(ConnInfo.toJdbcUrl(System.getenv(Database.ENV)));
        }
        if (result.isEmpty()) {
            throw new CliException("no database to tick: use --db URL, a config file with 'db = ...', or $" + Database.ENV);
        }
        return result;
    }

    TickerConfig tickerConfig(IniConfig ini) {
        TickerConfig.Builder b = TickerConfig.builder();
        if (ini != null) {
            setIfPresent(ini.duration("loop_delay", Duration.ofSeconds(1)), b::tickPeriod);
            setIfPresent(ini.duration("tick_period", null), b::tickPeriod);
            setIfPresent(ini.duration("maint_delay_min", Duration.ofMinutes(1)), b::maintenancePeriod);
            setIfPresent(ini.duration("maint_period", null), b::maintenancePeriod);
            setIfPresent(ini.duration("retry_period", null), b::retryPeriod);
            setIfPresent(ini.duration("leader_check_period", null), b::leaderCheckPeriod);
            setIfPresent(ini.duration("unhealthy_after", null), b::unhealthyAfter);
            if (ini.get("max_tick_lag") != null) {
                b.maxTickLag(maxLag(ini.get("max_tick_lag")));
            }
            if (ini.bool("notify") != null) {
                b.notifyConsumers(ini.bool("notify"));
            }
        }
        setIfPresent(tickPeriod, b::tickPeriod);
        setIfPresent(unhealthyAfter, b::unhealthyAfter);
        if (maxTickLag != null) {
            b.maxTickLag(maxLag(maxTickLag));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CliException("bad ticker setting: " + e.getMessage());
        }
    }

    private static Duration maxLag(String text) {
        return text.equalsIgnoreCase("off") ? null : Durations.parse("max_tick_lag", text);
    }

    private static void setIfPresent(Duration value, Consumer<Duration> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    private static void writePidfile(Path pidfile) throws IOException {
        if (pidfile != null) {
            Files.writeString(pidfile, ProcessHandle.current().pid() + "\n");
        }
    }

    private static void deletePidfile(Path pidfile) {
        if (pidfile != null) {
            try {
                Files.deleteIfExists(pidfile);
            } catch (IOException ignored) {
                // exiting anyway
            }
        }
    }
}
