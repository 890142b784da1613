package io.pgq.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.testing.DocRegions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/operations.md shows the example that {@link PgqMetricsServerTest} runs, and names only metrics that exist. */
class DocsTest {

    static String operations() throws IOException {
        return Files.readString(Path.of("../docs/operations.md"));
    }

    /** The pgq_* names used in the alert rules of docs/operations.md. */
    static Set<String> alertMetrics() throws IOException {
        String doc = operations();
        int start = doc.indexOf("```yaml\ngroups:");
        String yaml = doc.substring(start, doc.indexOf("```", start + 3));
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\bpgq_[a-z_]+").matcher(yaml);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    @Test
    void operationsGuideShowsTheTestedExample() throws IOException {
        Map<String, String> regions = DocRegions.of(Path.of("src/test/java/io/pgq/prometheus/PgqMetricsServerTest.java"));
        assertThat(regions).containsKeys("server");
        String doc = operations();
        regions.forEach((tag, code) -> assertThat(doc).as("docs/operations.md shows region '%s'", tag).contains(code));
        assertThat(alertMetrics()).contains("pgq_ticker_leader", "pgq_consumer_event_lag_seconds",
                "pgq_consumer_dead_letters_total");
    }
}
