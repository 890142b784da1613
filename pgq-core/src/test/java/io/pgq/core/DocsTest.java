package io.pgq.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import io.pgq.testing.DocRegions;
import org.junit.jupiter.api.Test;

/** The code in docs/producing.md is the code of {@link ProducingExamplesTest}, which runs. */
class DocsTest {

    @Test
    void producingGuideShowsTheTestedExamples() throws IOException {
        String doc = Files.readString(Path.of("../docs/producing.md"));
        Map<String, String> regions = DocRegions.of(Path.of("src/test/java/io/pgq/core/ProducingExamplesTest.java"));
        assertThat(regions).containsKeys("imports", "payload", "client", "send", "sendAll", "outbox", "jooq", "copy", "guice");
        regions.forEach((tag, code) -> assertThat(doc).as("docs/producing.md shows region '%s'", tag).contains(code));
        Map<String, String> outage = DocRegions.of(Path.of("src/test/java/io/pgq/core/OutageTest.java"));
        assertThat(outage).containsKeys("outage", "connectionTimeout");
        outage.forEach((tag, code) -> assertThat(doc).as("docs/producing.md shows region '%s'", tag).contains(code));
    }
}
