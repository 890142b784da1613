package io.pgq.core;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.pgq.core.internal.Databases;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Configuration of a {@link Pgq} client. Immutable; built by a {@link Builder} that rejects
 * invalid or contradictory settings in {@link Builder#build()}, naming the setting and the value.
 *
 * <pre>{@code
 * PgqConfig config = PgqConfig.builder()
 *         .jdbcUrl("jdbc:postgresql://db:5432/app")
 *         .username("app").password(secret)
 *         .build();
 * }</pre>
 */
public final class PgqConfig {

    /** Default size of the connection pool created from a JDBC URL. */
    public static final int DEFAULT_MAXIMUM_POOL_SIZE = 10;
    /**
     * Default of {@link #connectionTimeout()}: how long a call waits for a connection of the pool
     * created from a JDBC URL before it fails with a {@link DatabaseUnavailableException}.
     */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    /** The least connection timeout HikariCP accepts. */
    public static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);

    private final DataSource dataSource;
    private final String jdbcUrl;
    private final String username;
    private final String password;
    private final int maximumPoolSize;
    private final Duration connectionTimeout;
    private final boolean installSchema;
    private final boolean useExistingPgq;
    private final ObjectMapper objectMapper;
    private final EventTypes eventTypes;
    private final MetricRegistry metricRegistry;

    private PgqConfig(Builder b) {
        this.dataSource = b.dataSource;
        this.jdbcUrl = b.jdbcUrl;
        this.username = b.username;
        this.password = b.password;
        this.maximumPoolSize = b.maximumPoolSize;
        this.connectionTimeout = b.connectionTimeout;
        this.installSchema = b.installSchema;
        this.useExistingPgq = b.useExistingPgq;
        this.objectMapper = b.objectMapper != null ? b.objectMapper : defaultObjectMapper();
        this.eventTypes = b.eventTypes;
        this.metricRegistry = b.metricRegistry != null ? b.metricRegistry : new MetricRegistry();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The default JSON mapper: java.time and Optional support, dates as ISO-8601 strings that
     * keep their offset when read back, unknown properties tolerated when reading.
     */
    public static ObjectMapper defaultObjectMapper() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new Jdk8Module())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(com.fasterxml.jackson.databind.DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .build();
    }

    /** The user's data source, or {@code null} when the client creates a pool from {@link #jdbcUrl()}. */
    public DataSource dataSource() {
        return dataSource;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public int maximumPoolSize() {
        return maximumPoolSize;
    }

    /**
     * How long a call waits for a connection of the pool created from the JDBC URL (default
     * {@link #DEFAULT_CONNECTION_TIMEOUT}) before it fails with a {@link DatabaseUnavailableException}.
     * {@link Pgq#create} tries to connect once and fails at once. With your own data source, its
     * settings apply.
     */
    public Duration connectionTimeout() {
        return connectionTimeout;
    }

    /** Whether the client installs or upgrades the pgq schema when it starts (default {@code true}). */
    public boolean installSchema() {
        return installSchema;
    }

    /** Whether a PgQ that pgq-java did not install (the reference extension) is used as it is. */
    public boolean useExistingPgq() {
        return useExistingPgq;
    }

    public ObjectMapper objectMapper() {
        return objectMapper;
    }

    public EventTypes eventTypes() {
        return eventTypes;
    }

    public MetricRegistry metricRegistry() {
        return metricRegistry;
    }

    /** One line for the log; the password never appears. */
    @Override
    public String toString() {
        return "PgqConfig{" + (dataSource != null ? "dataSource=" + dataSource.getClass().getSimpleName()
                : "jdbcUrl=" + maskPassword(jdbcUrl) + ", username=" + username + ", password="
                + (password == null ? "<none>" : "****") + ", maximumPoolSize=" + maximumPoolSize
                + ", connectionTimeout=" + connectionTimeout)
                + ", installSchema=" + installSchema + ", useExistingPgq=" + useExistingPgq
                + ", eventTypes=" + eventTypes.registered().keySet() + "}";
    }

    static String maskPassword(String url) {
        return Databases.maskPassword(url);
    }

    /** Collects settings; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private DataSource dataSource;
        private String jdbcUrl;
        private String username;
        private String password;
        private int maximumPoolSize = DEFAULT_MAXIMUM_POOL_SIZE;
        private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
        private boolean connectionTimeoutSet;
        private boolean installSchema = true;
        private boolean useExistingPgq;
        private ObjectMapper objectMapper;
        private EventTypes eventTypes = EventTypes.annotationsOnly();
        private MetricRegistry metricRegistry;

        private Builder() {
        }

        /** Use this data source (the client never closes it). Excludes {@link #jdbcUrl}. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /** Create a HikariCP pool for this URL ({@code jdbc:postgresql://...}). Excludes {@link #dataSource}. */
        public Builder jdbcUrl(String jdbcUrl) {
            this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            return this;
        }

        public Builder username(String username) {
            this.username = username;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public Builder maximumPoolSize(int size) {
            this.maximumPoolSize = size;
            return this;
        }

        /** See {@link PgqConfig#connectionTimeout()}; at least {@link #MIN_CONNECTION_TIMEOUT}. */
        public Builder connectionTimeout(Duration timeout) {
            this.connectionTimeout = Objects.requireNonNull(timeout, "connectionTimeout");
            this.connectionTimeoutSet = true;
            return this;
        }

        public Builder installSchema(boolean install) {
            this.installSchema = install;
            return this;
        }

        public Builder useExistingPgq(boolean useExisting) {
            this.useExistingPgq = useExisting;
            return this;
        }

        public Builder objectMapper(ObjectMapper objectMapper) {
            this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
            return this;
        }

        public Builder eventTypes(EventTypes eventTypes) {
            this.eventTypes = Objects.requireNonNull(eventTypes, "eventTypes");
            return this;
        }

        public Builder metricRegistry(MetricRegistry registry) {
            this.metricRegistry = Objects.requireNonNull(registry, "metricRegistry");
            return this;
        }

        public PgqConfig build() {
            if (dataSource == null && jdbcUrl == null) {
                throw new IllegalArgumentException("set either dataSource or jdbcUrl");
            }
            if (dataSource != null && jdbcUrl != null) {
                throw new IllegalArgumentException("set dataSource or jdbcUrl, not both");
            }
            if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("jdbcUrl must start with jdbc:postgresql:, got " + maskPassword(jdbcUrl));
            }
            if (maximumPoolSize < 1) {
                throw new IllegalArgumentException("maximumPoolSize must be at least 1, got " + maximumPoolSize);
            }
            if (connectionTimeout.compareTo(MIN_CONNECTION_TIMEOUT) < 0) {
                throw new IllegalArgumentException("connectionTimeout must be at least " + MIN_CONNECTION_TIMEOUT.toMillis()
                        + " ms, got " + connectionTimeout.toMillis() + " ms");
            }
            if (dataSource != null && connectionTimeoutSet) {
                throw new IllegalArgumentException("connectionTimeout applies to the pool created from jdbcUrl; "
                        + "with your own dataSource, set the timeout there");
            }
            return new PgqConfig(this);
        }
    }
}
