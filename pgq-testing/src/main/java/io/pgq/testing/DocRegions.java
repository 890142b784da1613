package io.pgq.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps documentation honest: the code regions of a test source, marked with
 * {@code // tag::name[]} and {@code // end::name[]}, dedented, so a test can check that a
 * Markdown page shows exactly the code that runs. Stateless.
 */
public final class DocRegions {

    private static final Pattern REGION = Pattern.compile("// tag::([\\w-]+)\\[]\\n(.*?)\\n\\s*// end::\\1\\[]", Pattern.DOTALL);

    private DocRegions() {
    }

    /** The tagged regions of {@code source} by tag name, in order, each dedented. */
    public static Map<String, String> of(Path source) {
        try {
            Map<String, String> regions = new LinkedHashMap<>();
            Matcher m = REGION.matcher(Files.readString(source));
            while (m.find()) {
                regions.put(m.group(1), dedent(m.group(2)));
            }
            return regions;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + source, e);
        }
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
}
