package io.pgq.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import io.pgq.testing.DocRegions;
import org.junit.jupiter.api.Test;

/** The code in docs/consuming.md is the code of {@link ConsumingExamplesTest}, which runs; every metric is listed. */
class DocsTest {

    @Test
    void consumingGuideShowsTheTestedExamples() throws IOException {
        String doc = Files.readString(Path.of("../docs/consuming.md"));
        Map<String, String> regions = DocRegions.of(Path.of("src/test/java/io/pgq/consumer/ConsumingExamplesTest.java"));
        assertThat(regions).containsKeys("imports", "payload", "consumer", "typedHandler", "outcomes", "resend", "exactlyOnce",
                "batchHandler", "group", "seek", "pause", "guice");
        regions.forEach((tag, code) -> assertThat(doc).as("docs/consuming.md shows region '%s'", tag).contains(code));
        Map<String, String> health = DocRegions.of(Path.of("src/test/java/io/pgq/consumer/NoTickerTest.java"));
        assertThat(health).containsKeys("health");
        health.forEach((tag, code) -> assertThat(doc).as("docs/consuming.md shows region '%s'", tag).contains(code));
    }

    @Test
    void consumingGuideListsEveryMetric() throws IOException {
        String doc = Files.readString(Path.of("../docs/consuming.md"));
        for (var method : ConsumerMetrics.class.getDeclaredMethods()) {
            if (java.lang.reflect.Modifier.isPublic(method.getModifiers())) {
                String name = (String) invoke(method);
                assertThat(doc).as("docs/consuming.md lists %s", name)
                        .contains("`" + name.replace("pgq.consumer.q.c.", "pgq.consumer.<queue>.<consumer>.") + "`");
            }
        }
    }

    private static Object invoke(java.lang.reflect.Method method) {
        try {
            return method.invoke(null, "q", "c");
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
