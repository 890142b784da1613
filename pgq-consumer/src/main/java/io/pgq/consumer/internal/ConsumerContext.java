package io.pgq.consumer.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgq.consumer.ConsumerConfig;
import java.time.Clock;

/** What every member of one consumer shares. Immutable apart from the metrics. */
record ConsumerContext(ConsumerConfig config, Routes routes, ObjectMapper mapper, Clock clock, RunnerMetrics metrics,
                       AttemptLog attempts) {

    String queue() {
        return config.queue();
    }

    String consumer() {
        return config.consumer();
    }

    /** " (queue: q, consumer: c)" for log lines and messages. */
    String where() {
        return " (queue: " + config.queue() + ", consumer: " + config.consumer() + ")";
    }
}
