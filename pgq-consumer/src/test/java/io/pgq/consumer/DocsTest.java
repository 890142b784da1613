package io.pgq.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The code in docs/consuming.md is the code of {@link ConsumingExamplesTest}, which runs; every metric is listed. */
class DocsTest {

    private static final Pattern REGION = Pattern.compile("// tag::([\\w-]+)\\[]\\n(.*?)\\n\\s*// end::\\1\\[]", Pattern.DOTALL);

    static Map<String, String> regions(Path source) throws IOException {
        Map<String, String> regions = new LinkedHashMap<>();
        Matcher m = REGION.matcher(Files.readString(source));
        while (m.find()) {
            regions.put(m.group(1), dedent(m.group(2)));
        }
        return regions;
    }

    static String dedent(String block) {
        List<String> lines = block.lines().toList();
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            out.add(l.isBlank() ? "" : l.substring(indent));
        }
        return String.join("\n", out);
    }

    @Test
    void consumingGuideShowsTheTestedExamples() throws IOException {
        String doc = Files.readString(Path.of("../docs/consuming.md"));
        Map<String, String> regions = regions(Path.of("src/test/java/io/pgq/consumer/ConsumingExamplesTest.java"));
        assertThat(regions).containsKeys("payload", "consumer", "typedHandler", "outcomes", "resend", "exactlyOnce",
                "batchHandler", "group", "seek", "pause", "guice");
        regions.forEach((tag, code) -> assertThat(doc).as("docs/consuming.md shows region '%s'", tag).contains(code));
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
