package io.pgq.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;

/**
 * Replays the psql scripts of {@code dev/trigger-expectations} over JDBC and renders what psql
 * {@code -A} would print, reduced to what the triggers decide: query results (header, rows with
 * NULL as empty, row count) and error messages ({@code ERROR:  text}). Command tags, notices and
 * the LINE/QUERY/DETAIL/HINT/CONTEXT lines of errors are left out, in the replay and in the
 * expected transcripts ({@link #expected}). Not thread-safe; one instance per script run.
 */
final class TriggerScript {

    /** Lines of a psql transcript that are not compared. */
    private static final Pattern NOT_COMPARED = Pattern.compile(
            "^(SET|RESET|TRUNCATE TABLE|DO|BEGIN|COMMIT|ROLLBACK|(DROP|CREATE|ALTER) [A-Z ]+|INSERT 0 \\d+|UPDATE \\d+|DELETE \\d+)$"
                    + "|^(NOTICE|LINE \\d+|QUERY|HINT|DETAIL|CONTEXT):.*|^\\s*\\^$");
    private static final Pattern SET_DATESTYLE = Pattern.compile("(?is)^set\\s+datestyle\\s*(=|to)\\s*(.+)$");

    /** The scripts' directory: {@code pgq-schema/dev/trigger-expectations}. */
    static Path directory() {
        Path inModule = Path.of("dev", "trigger-expectations");
        return Files.isDirectory(inModule) ? inModule : Path.of("pgq-schema", "dev", "trigger-expectations");
    }

    static String read(String file) {
        try {
            return Files.readString(directory().resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The expected transcript {@code name.expected}, reduced to the compared lines. */
    static String expected(String name) {
        return reduce(read(name + ".expected"));
    }

    static String reduce(String transcript) {
        List<String> kept = new ArrayList<>();
        for (String line : transcript.split("\n", -1)) {
            if (!NOT_COMPARED.matcher(line).find()) {
                kept.add(line);
            }
        }
        while (!kept.isEmpty() && kept.get(kept.size() - 1).isEmpty()) {
            kept.remove(kept.size() - 1);
        }
        return String.join("\n", kept);
    }

    /**
     * Runs the script's statements one by one in autocommit mode, continuing after errors
     * (psql's ON_ERROR_STOP 0), and returns the reduced transcript. psql meta commands are
     * skipped. {@code SET datestyle} is applied around each later statement instead of once,
     * because the JDBC driver refuses a session whose DateStyle does not start with ISO.
     */
    static String run(Connection connection, String script) throws SQLException {
        List<String> out = new ArrayList<>();
        String dateStyle = null;
        try (Statement st = connection.createStatement()) {
            for (String sql : statements(script)) {
                Matcher m = SET_DATESTYLE.matcher(sql);
                if (m.matches()) {
                    dateStyle = m.group(2);
                    continue;
                }
                String sent = dateStyle == null ? sql : "set datestyle = " + dateStyle + ";\n" + sql + ";\nset datestyle = 'ISO, MDY'";
                try {
                    boolean isResult = st.execute(sent);
                    while (true) {
                        if (isResult) {
                            try (ResultSet rs = st.getResultSet()) {
                                render(rs, out);
                            }
                        } else if (st.getUpdateCount() == -1) {
                            break;
                        }
                        isResult = st.getMoreResults();
                    }
                } catch (PSQLException e) {
                    out.add("ERROR:  " + (e.getServerErrorMessage() == null ? e.getMessage()
                            : e.getServerErrorMessage().getMessage()));
                }
            }
        }
        return reduce(String.join("\n", out));
    }

    private static void render(ResultSet rs, List<String> out) throws SQLException {
        int n = rs.getMetaData().getColumnCount();
        List<String> labels = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            labels.add(rs.getMetaData().getColumnLabel(i));
        }
        out.add(String.join("|", labels));
        int rows = 0;
        while (rs.next()) {
            List<String> values = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                String v = rs.getString(i);
                values.add(v == null ? "" : v);
            }
            out.add(String.join("|", values));
            rows++;
        }
        out.add(rows == 1 ? "(1 row)" : "(" + rows + " rows)");
    }

    /** Splits a psql script into SQL statements: on ';' outside quotes, dollar quotes and comments. */
    static List<String> statements(String script) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = 0;
        int len = script.length();
        while (i < len) {
            char c = script.charAt(i);
            if (current.toString().isBlank() && c == '\\') {
                int eol = script.indexOf('\n', i);
                i = eol < 0 ? len : eol + 1;
                current.setLength(0);
                continue;
            }
            if (c == '\'' || c == '"') {
                int end = i + 1;
                while (end < len && script.charAt(end) != c) {
                    end++;
                }
                current.append(script, i, Math.min(end + 1, len));
                i = end + 1;
            } else if (c == '$' && script.startsWith("$$", i)) {
                int end = script.indexOf("$$", i + 2);
                end = end < 0 ? len : end + 2;
                current.append(script, i, end);
                i = end;
            } else if (c == '-' && script.startsWith("--", i)) {
                int eol = script.indexOf('\n', i);
                i = eol < 0 ? len : eol;
            } else if (c == ';') {
                add(result, current);
                i++;
            } else {
                current.append(c);
                i++;
            }
        }
        add(result, current);
        return result;
    }

    private static void add(List<String> result, StringBuilder current) {
        String sql = current.toString().strip();
        if (!sql.isEmpty()) {
            result.add(sql);
        }
        current.setLength(0);
    }

    private TriggerScript() {
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
