package io.pgq.schema.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The schema's SQL files in install order, read from the classpath: {@code sql/install.list}
 * names component directories, each component's {@code files.list} names its files. Immutable.
 * Not API.
 */
public final class SqlScript {

    private static final String ROOT = "/io/pgq/schema/sql/";
    private static final Pattern REVISION = Pattern.compile("pgq-java schema revision (\\d+)");

    /** One SQL file of the script. */
    public record Part(String name, String sql) {
    }

    private final List<Part> parts;
    private final int revision;

    private SqlScript(List<Part> parts) {
        this.parts = List.copyOf(parts);
        this.revision = findRevision(parts);
    }

    /** Loads the script bundled in this jar. */
    public static SqlScript bundled() {
        List<Part> parts = new ArrayList<>();
        for (String component : entries(ROOT + "install.list")) {
            for (String file : entries(ROOT + component + "/files.list")) {
                String name = component + "/" + file;
                parts.add(new Part(name, read(ROOT + name)));
            }
        }
        return new SqlScript(parts);
    }

    public List<Part> parts() {
        return parts;
    }

    /** The schema revision this script installs (from its {@code COMMENT ON SCHEMA pgq}). */
    public int revision() {
        return revision;
    }

    /** Parses the revision out of the comment pgq-java puts on schema pgq; -1 if not ours. */
    public static int revisionOf(String schemaComment) {
        if (schemaComment == null) {
            return -1;
        }
        Matcher m = REVISION.matcher(schemaComment);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static int findRevision(List<Part> parts) {
        for (Part part : parts) {
            int revision = revisionOf(part.sql());
            if (revision >= 0) {
                return revision;
            }
        }
        throw new IllegalStateException("The bundled SQL has no \"COMMENT ON SCHEMA pgq IS 'pgq-java schema revision N'\"");
    }

    private static List<String> entries(String resource) {
        List<String> result = new ArrayList<>();
        for (String line : read(resource).split("\n")) {
            String s = line.strip();
            if (!s.isEmpty() && !s.startsWith("#")) {
                result.add(s);
            }
        }
        return result;
    }

    private static String read(String resource) {
        try (InputStream in = SqlScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + resource + " in the pgq-schema jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        }
    }
}
