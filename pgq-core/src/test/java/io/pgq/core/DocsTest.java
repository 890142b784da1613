package io.pgq.core;

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

/** The code in docs/producing.md is the code of {@link ProducingExamplesTest}, which runs. */
class DocsTest {

    private static final Pattern REGION = Pattern.compile("// tag::([\\w-]+)\\[]\\n(.*?)\\n\\s*// end::\\1\\[]", Pattern.DOTALL);

    /** The tagged regions of a test source, dedented, by tag name. */
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
    void producingGuideShowsTheTestedExamples() throws IOException {
        String doc = Files.readString(Path.of("../docs/producing.md"));
        Map<String, String> regions = regions(Path.of("src/test/java/io/pgq/core/ProducingExamplesTest.java"));
        assertThat(regions).containsKeys("payload", "client", "send", "sendAll", "outbox", "jooq", "copy", "guice");
        regions.forEach((tag, code) -> assertThat(doc).as("docs/producing.md shows region '%s'", tag).contains(code));
    }
}
