package io.pgq.core.internal;

import static io.pgq.schema.internal.jooq.pgq.Tables.QUEUE;
import static io.pgq.schema.internal.jooq.pgq.Tables.SUBSCRIPTION;
import static io.pgq.schema.internal.jooq.pgq.Tables.TICK;

import io.pgq.core.ConsumerInfo;
import io.pgq.core.ConsumerNotRegisteredException;
import io.pgq.core.ConsumerPosition;
import io.pgq.core.QueueAdmin;
import io.pgq.core.QueueInfo;
import io.pgq.core.QueueSettings;
import io.pgq.schema.internal.jooq.pgq.Routines;
import io.pgq.schema.internal.jooq.pgq.Tables;
import io.pgq.schema.internal.jooq.pgq.tables.records.GetConsumerInfo0Record;
import io.pgq.schema.internal.jooq.pgq.tables.records.GetQueueInfo1Record;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jooq.Configuration;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.types.YearToSecond;

/** Queue administration through the jOOQ classes generated from the schema. Thread-safe. */
public final class JooqQueueAdmin implements QueueAdmin {

    private final DSLContext dsl;

    public JooqQueueAdmin(DataSource dataSource) {
        this.dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
    }

    @Override
    public boolean createQueue(String queue) {
        return createQueue(queue, QueueSettings.UNCHANGED);
    }

    @Override
    public boolean createQueue(String queue, QueueSettings settings) {
        Names.queue(queue);
        return call("Creating the queue", queue, null, () -> dsl.transactionResult(cfg -> {
            boolean created = Routines.createQueue(cfg, queue) == 1;
            if (created) {
                apply(cfg, queue, settings);
            }
            return created;
        }));
    }

    @Override
    public void dropQueue(String queue) {
        dropQueue(queue, false);
    }

    @Override
    public void dropQueue(String queue, boolean force) {
        Names.queue(queue);
        call("Dropping the queue", queue, null, () -> Routines.dropQueue1(dsl.configuration(), queue, force));
    }

    @Override
    public void configure(String queue, QueueSettings settings) {
        Names.queue(queue);
        call("Configuring the queue", queue, null, () -> {
            dsl.transaction(cfg -> apply(cfg, queue, settings));
            return null;
        });
    }

    private static void apply(Configuration cfg, String queue, QueueSettings s) {
        set(cfg, queue, "ticker_max_count", s.tickerMaxCount(), String::valueOf);
        set(cfg, queue, "ticker_max_lag", s.tickerMaxLag(), JooqQueueAdmin::interval);
        set(cfg, queue, "ticker_idle_period", s.tickerIdlePeriod(), JooqQueueAdmin::interval);
        set(cfg, queue, "rotation_period", s.rotationPeriod(), JooqQueueAdmin::interval);
        set(cfg, queue, "ticker_paused", s.tickerPaused(), String::valueOf);
    }

    private static <T> void set(Configuration cfg, String queue, String param, T value, Function<T, String> format) {
        if (value != null) {
            Routines.setQueueConfig(cfg, queue, param, format.apply(value));
        }
    }

    static String interval(Duration d) {
        return (d.toNanos() / 1000) + " microseconds";
    }

    @Override
    public void pause(String queue) {
        configure(queue, QueueSettings.builder().tickerPaused(true).build());
    }

    @Override
    public void resume(String queue) {
        configure(queue, QueueSettings.builder().tickerPaused(false).build());
    }

    @Override
    public List<QueueInfo> queues() {
        return call("Listing queues", null, null, () -> Tables.GET_QUEUE_INFO_1(dsl.configuration(), null)
                .map(JooqQueueAdmin::queueInfo));
    }

    @Override
    public Optional<QueueInfo> queue(String queue) {
        Names.queue(queue);
        return call("Reading the queue", queue, null, () -> Tables.GET_QUEUE_INFO_1(dsl.configuration(), queue)
                .stream().findFirst().map(JooqQueueAdmin::queueInfo));
    }

    private static QueueInfo queueInfo(GetQueueInfo1Record r) {
        return new QueueInfo(r.getQueueName(), r.getQueueNtables(), r.getQueueCurTable(),
                duration(r.getQueueRotationPeriod()), r.getQueueSwitchTime(), r.getQueueExternalTicker(),
                r.getQueueTickerPaused(), r.getQueueTickerMaxCount(), duration(r.getQueueTickerMaxLag()),
                duration(r.getQueueTickerIdlePeriod()), duration(r.getTickerLag()), r.getEvPerSec(),
                r.getEvNew() == null ? 0 : r.getEvNew(), r.getLastTickId() == null ? 0 : r.getLastTickId());
    }

    @Override
    public List<ConsumerInfo> consumers() {
        return call("Listing consumers", null, null, () -> withEventLag(Tables.GET_CONSUMER_INFO_0(dsl.configuration())
                .map(JooqQueueAdmin::consumerInfo)));
    }

    @Override
    public List<ConsumerInfo> consumers(String queue) {
        Names.queue(queue);
        return call("Listing consumers", queue, null, () -> withEventLag(Tables.GET_CONSUMER_INFO_1(dsl.configuration(),
                queue).map(JooqQueueAdmin::consumerInfo)));
    }

    @Override
    public Optional<ConsumerInfo> consumer(String queue, String consumer) {
        Names.queue(queue);
        Names.consumer(consumer);
        return call("Reading the consumer", queue, consumer, () -> withEventLag(Tables.GET_CONSUMER_INFO_2(
                dsl.configuration(), queue, consumer).map(JooqQueueAdmin::consumerInfo)).stream().findFirst());
    }

    /** The infos with {@link ConsumerInfo#eventLag()}, read on one connection. */
    private List<ConsumerInfo> withEventLag(List<ConsumerInfo> infos) {
        return infos.isEmpty() ? infos : dsl.connectionResult(c -> EventLag.fill(c, infos));
    }

    private static ConsumerInfo consumerInfo(Record r) {
        GetConsumerInfo0Record c = r.into(GetConsumerInfo0Record.class);
        return new ConsumerInfo(c.getQueueName(), c.getConsumerName(), duration(c.getLag()), duration(c.getLastSeen()),
                c.getLastTick(), c.getCurrentBatch(), c.getNextTick(), c.getPendingEvents());
    }

    @Override
    public boolean registerConsumer(String queue, String consumer) {
        Names.queue(queue);
        Names.consumer(consumer);
        return call("Registering the consumer", queue, consumer,
                () -> Routines.registerConsumer(dsl.configuration(), queue, consumer) == 1);
    }

    @Override
    public boolean registerConsumer(String queue, String consumer, ConsumerPosition position) {
        Names.queue(queue);
        Names.consumer(consumer);
        return call("Positioning the consumer", queue, consumer, () -> dsl.transactionResult(cfg -> {
            Long tick = tickFor(cfg.dsl(), queue, position);
            return Routines.registerConsumerAt(cfg, queue, consumer, tick) == 1;
        }));
    }

    @Override
    public boolean unregisterConsumer(String queue, String consumer) {
        Names.queue(queue);
        Names.consumer(consumer);
        return call("Unregistering the consumer", queue, consumer,
                () -> Routines.unregisterConsumer(dsl.configuration(), queue, consumer) > 0);
    }

    @Override
    public void repositionConsumer(String queue, String consumer, ConsumerPosition position) {
        Names.queue(queue);
        Names.consumer(consumer);
        call("Repositioning the consumer", queue, consumer, () -> dsl.transactionResult(cfg -> {
            if (!isRegistered(cfg.dsl(), queue, consumer)) {
                throw new ConsumerNotRegisteredException(queue, consumer, null);
            }
            return Routines.registerConsumerAt(cfg, queue, consumer, tickFor(cfg.dsl(), queue, position));
        }));
    }

    private static boolean isRegistered(DSLContext dsl, String queue, String consumer) {
        return dsl.fetchExists(SUBSCRIPTION
                .join(QUEUE).on(QUEUE.QUEUE_ID.eq(SUBSCRIPTION.SUB_QUEUE))
                .join(io.pgq.schema.internal.jooq.pgq.Tables.CONSUMER)
                .on(io.pgq.schema.internal.jooq.pgq.Tables.CONSUMER.CO_ID.eq(SUBSCRIPTION.SUB_CONSUMER)),
                QUEUE.QUEUE_NAME.eq(queue).and(io.pgq.schema.internal.jooq.pgq.Tables.CONSUMER.CO_NAME.eq(consumer)));
    }

    /** The tick a position stands for; {@code null} means "the newest" to register_consumer_at. */
    private static Long tickFor(DSLContext dsl, String queue, ConsumerPosition position) {
        var ticks = dsl.select(DSL.min(TICK.TICK_ID), DSL.max(TICK.TICK_ID)).from(TICK)
                .join(QUEUE).on(QUEUE.QUEUE_ID.eq(TICK.TICK_QUEUE)).where(QUEUE.QUEUE_NAME.eq(queue));
        if (position instanceof ConsumerPosition.AtTick at) {
            return at.tickId();
        }
        if (position instanceof ConsumerPosition.Earliest) {
            return ticks.fetchOne().value1();
        }
        if (position instanceof ConsumerPosition.AtTime at) {
            Long tick = dsl.select(DSL.max(TICK.TICK_ID)).from(TICK).join(QUEUE).on(QUEUE.QUEUE_ID.eq(TICK.TICK_QUEUE))
                    .where(QUEUE.QUEUE_NAME.eq(queue))
                    .and(TICK.TICK_TIME.le(at.time().atOffset(ZoneOffset.UTC)))
                    .fetchOne().value1();
            return tick != null ? tick : ticks.fetchOne().value1();
        }
        return ticks.fetchOne().value2();
    }

    static Duration duration(YearToSecond interval) {
        return interval == null ? null : interval.toDuration();
    }

    private static <T> T call(String action, String queue, String consumer, Supplier<T> body) {
        try {
            return body.get();
        } catch (RuntimeException e) {
            throw Errors.translate(e, action, queue, consumer);
        }
    }
}
