package io.pgq.cli;

import io.pgq.ticker.Ticker;
import io.pgq.ticker.TickerRole;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs when a ticker of {@code pgq ticker} becomes the leader, a standby or unable to reach its
 * database, naming the job and the database ({@code host:port/db}). A state is logged once it
 * was seen at two checks in a row, so that a ticker that is still connecting at start is not
 * reported as a standby. Used by the watching thread only.
 */
final class TickerStates {

    private static final Logger LOG = LoggerFactory.getLogger(TickerCommand.class);

    private final String job;
    private final List<Ticker> tickers;
    private final Map<Ticker, String> where = new HashMap<>();
    private final Map<Ticker, TickerRole> seen = new HashMap<>();
    private final Map<Ticker, TickerRole> logged = new HashMap<>();

    TickerStates(String job, List<Ticker> tickers, List<TickedDatabase> databases) {
        this.job = job;
        this.tickers = List.copyOf(tickers);
        for (int i = 0; i < tickers.size(); i++) {
            where.put(tickers.get(i), databases.get(i).where());
        }
    }

    List<Ticker> tickers() {
        return tickers;
    }

    String where(Ticker t) {
        return where.get(t);
    }

    void check() {
        for (Ticker t : tickers) {
            TickerRole state = t.role();
            if (state == seen.get(t) && state != logged.get(t)) {
                logged.put(t, state);
                log(t, state);
            }
            seen.put(t, state);
        }
    }

    private void log(Ticker t, TickerRole state) {
        switch (state) {
            case LEADER -> LOG.info("{}: ticker {} is the leader on database {}: it ticks", job, t.name(), where(t));
            case STANDBY -> LOG.info("{}: ticker {} is a standby on database {}: another ticker holds the leader lock; "
                    + "this one takes over when that one stops", job, t.name(), where(t));
            case UNREACHABLE -> LOG.warn("{}: ticker {} cannot reach database {}", job, t.name(), where(t));
            default -> { }
        }
    }
}
