package io.pgq.core;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.pgq.core.internal.ConnectFailures;
import io.pgq.core.internal.JdbcProducer;
import io.pgq.core.internal.JdbcTopicAdmin;
import io.pgq.core.internal.JdbcTopicProducer;
import io.pgq.core.internal.JooqQueueAdmin;
import io.pgq.core.internal.PayloadCodec;
import io.pgq.schema.InstallOptions;
import io.pgq.schema.PgqSchema;
import io.pgq.schema.SchemaInstallException;
import java.io.IOException;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pgq-java client: {@link #admin()} for queues and consumers, {@link #producer()} for
 * sending events. Create one per application and share it; it is thread-safe.
 *
 * <pre>{@code
 * try (Pgq pgq = Pgq.create(PgqConfig.builder().jdbcUrl("jdbc:postgresql://localhost/app").build())) {
 *     pgq.admin().createQueue("orders");
 *     pgq.producer().send("orders", "order.created", new OrderCreated(42, "c-7"));
 * }
 * }</pre>
 *
 * <p>On creation it installs or upgrades the pgq schema unless {@link PgqConfig#installSchema()}
 * is off. {@link #close()} closes the connection pool it created from a JDBC URL; a data source
 * passed in by the application is left open.
 */
public final class Pgq implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Pgq.class);

    private final PgqConfig config;
    private final DataSource dataSource;
    private final HikariDataSource ownPool;
    private final QueueAdmin admin;
    private final Producer producer;
    private final PayloadCodec codec;
    private final TopicAdmin topicAdmin;
    private final TopicProducer topicProducer;

    private Pgq(PgqConfig config, DataSource dataSource, HikariDataSource ownPool) {
        this.config = config;
        this.dataSource = dataSource;
        this.ownPool = ownPool;
        this.codec = new PayloadCodec(config.objectMapper(), config.eventTypes());
        this.admin = new JooqQueueAdmin(dataSource);
        this.producer = new JdbcProducer(dataSource, codec, config.metricRegistry());
        this.topicAdmin = new JdbcTopicAdmin(dataSource);
        this.topicProducer = new JdbcTopicProducer(dataSource, producer, codec);
    }

    /** Creates the client, and installs or upgrades the schema unless switched off. */
    public static Pgq create(PgqConfig config) {
        Objects.requireNonNull(config, "config");
        LOG.info("Creating pgq client with configuration: {}", config);
        HikariDataSource pool = config.dataSource() == null ? pool(config) : null;
        DataSource dataSource = pool != null ? pool : config.dataSource();
        try {
            if (config.installSchema()) {
                PgqSchema.install(dataSource, new InstallOptions(config.useExistingPgq()));
            }
            return new Pgq(config, dataSource, pool);
        } catch (SchemaInstallException e) {
            closeQuietly(pool);
            throw new PgqException(e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(pool);
            throw e;
        }
    }

    private static HikariDataSource pool(PgqConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("pgq");
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setUsername(config.username());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(config.maximumPoolSize());
        hikari.setMinimumIdle(Math.min(2, config.maximumPoolSize()));
        hikari.setConnectionTimeout(config.connectionTimeout().toMillis());
        try {
            return new HikariDataSource(hikari);
        } catch (HikariPool.PoolInitializationException e) {
            throw ConnectFailures.translate(config.jdbcUrl(), config.username(), e.getCause() != null ? e.getCause() : e);
        }
    }

    private static void closeQuietly(HikariDataSource pool) {
        if (pool != null) {
            pool.close();
        }
    }

    public QueueAdmin admin() {
        return admin;
    }

    public Producer producer() {
        return producer;
    }

    /** Topics: create, describe, drop, and their groups (see {@link TopicRouting}). */
    public TopicAdmin topics() {
        return topicAdmin;
    }

    /** Sends events to topics, routed by key. */
    public TopicProducer topicProducer() {
        return topicProducer;
    }

    public PgqConfig config() {
        return config;
    }

    /** The data source in use: the application's, or the pool created from the JDBC URL. */
    public DataSource dataSource() {
        return dataSource;
    }

    public MetricRegistry metrics() {
        return config.metricRegistry();
    }

    /** Reads an event's data as {@code type} with the client's ObjectMapper. */
    public <T> T decode(String data, Class<T> type) {
        try {
            return config.objectMapper().readerFor(type)
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(data);
        } catch (IOException e) {
            throw new PayloadException("Cannot read event data as " + type.getName() + ": " + e.getMessage(), null, e);
        }
    }

    @Override
    public void close() {
        closeQuietly(ownPool);
    }
}
