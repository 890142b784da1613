package io.pgq.cli;

import io.pgq.core.OutgoingEvent;
import io.pgq.core.Pgq;
import io.pgq.core.TopicRouting;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pgq insert}: one event from arguments, or one event per line of standard input. The
 * lines are inserted in one transaction: a line that is not valid UTF-8 is refused with its
 * number and nothing is inserted. An argument with bytes the system could not decode (shown by
 * Java as U+FFFD) is refused too.
 */
@Command(name = "insert", mixinStandardHelpOptions = true,
        description = "Insert an event (QUEUE TYPE DATA), or with no DATA one event per line of standard input "
                + "(all lines in one transaction: a bad line inserts nothing).")
class InsertCommand implements Callable<Integer> {

    private static final int CHUNK = 1_000;

    @Mixin
    Database database;
    @Option(names = "--extra1", paramLabel = "TEXT", description = "The events' ev_extra1 (in PgQ often the source table).")
    String extra1;
    @Option(names = "--extra2", paramLabel = "TEXT", description = "The events' ev_extra2.")
    String extra2;
    @Option(names = "--extra3", paramLabel = "TEXT", description = "The events' ev_extra3.")
    String extra3;
    @Option(names = "--extra4", paramLabel = "TEXT", description = "The events' ev_extra4.")
    String extra4;
    @Option(names = "--key", paramLabel = "KEY", description = "Topics only: the events' key; events of one key go "
            + "to one partition, in order (without it events are spread over the partitions).")
    String key;
    @Option(names = "--key-separator", paramLabel = "SEP", description = "Topics, standard input only: each line is "
            + "KEY, SEP, DATA; SEP is TAB (a tab character) or any text, split at its first occurrence.")
    String keySeparator;
    @Parameters(index = "0", paramLabel = "QUEUE", description = "Queue or topic name.")
    String queue;
    @Parameters(index = "1", paramLabel = "TYPE", description = "Event type (ev_type), e.g. order.placed.")
    String type;
    @Parameters(index = "2", arity = "0..1", paramLabel = "DATA", description = "Event data (ev_data). Without it, "
            + "every line of standard input is one event's data (UTF-8).")
    String data;

    @Override
    public Integer call() throws IOException, SQLException {
        checkDecoded("QUEUE", queue);
        checkDecoded("TYPE", type);
        checkDecoded("DATA", data);
        checkDecoded("--extra1", extra1);
        checkDecoded("--extra2", extra2);
        checkDecoded("--extra3", extra3);
        checkDecoded("--extra4", extra4);
        checkDecoded("--key", key);
        checkDecoded("--key-separator", keySeparator);
        String separator = separator();
        try (Pgq pgq = database.client()) {
            boolean topic = isTopic(pgq);
            if (data != null) {
                System.out.println(topic ? pgq.topicProducer().send(queue, event(key, data)) : pgq.producer().send(queue, event(null, data)));
                return 0;
            }
            long total = insertLines(pgq, topic, separator, new BufferedInputStream(System.in));
            System.out.println("Inserted " + total + " events into " + (topic ? "topic " : "") + queue);
            return 0;
        }
    }

    /** The key separator as given ({@code TAB} meaning a tab), checked against the other arguments. */
    private String separator() {
        if (keySeparator == null) {
            return null;
        }
        if (data != null) {
            throw new CliException("--key-separator splits standard input lines; with DATA give the key with --key");
        }
        if (key != null) {
            throw new CliException("use --key (one key for every line) or --key-separator (a key on each line), not both");
        }
        if (keySeparator.isEmpty()) {
            throw new CliException("--key-separator must not be empty: use TAB or a text such as '|'");
        }
        return keySeparator.equals("TAB") ? "\t" : keySeparator;
    }

    /** Whether QUEUE names a topic; keys are refused for plain queues, --extra4 for topics (it holds the key). */
    private boolean isTopic(Pgq pgq) {
        boolean topic = pgq.topics().topic(queue).isPresent();
        if (!topic && (key != null || keySeparator != null)) {
            throw new CliException((key != null ? "--key" : "--key-separator") + " is for topics, and " + queue
                    + " is not a topic (pgq topic list shows the topics); nothing was inserted");
        }
        if (topic && extra4 != null) {
            throw new CliException("on a topic ev_extra4 holds the key: use --key instead of --extra4; nothing was inserted");
        }
        return topic;
    }

    /** All lines in one transaction; rolled back (and refused) at the first line that is not UTF-8. */
    private long insertLines(Pgq pgq, boolean topic, String separator, InputStream in) throws IOException, SQLException {
        try (Connection c = pgq.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                long total = 0;
                List<OutgoingEvent> chunk = new ArrayList<>();
                CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
                long number = 0;
                for (byte[] line = readLine(in); line != null; line = readLine(in)) {
                    number++;
                    chunk.add(lineEvent(decode(utf8, line, number), separator, number));
                    if (chunk.size() == CHUNK) {
                        total += send(pgq, topic, c, chunk);
                        chunk.clear();
                    }
                }
                if (!chunk.isEmpty()) {
                    total += send(pgq, topic, c, chunk);
                }
                c.commit();
                return total;
            } catch (RuntimeException | IOException | SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private long send(Pgq pgq, boolean topic, Connection c, List<OutgoingEvent> chunk) {
        return (topic ? pgq.topicProducer().sendAll(c, queue, chunk) : pgq.producer().sendAll(c, queue, chunk)).length;
    }

    /** A line's event: all of it is the data, or with a separator the key before it and the data after it. */
    private OutgoingEvent lineEvent(String line, String separator, long number) {
        if (separator == null) {
            return event(key, line);
        }
        int at = line.indexOf(separator);
        if (at < 0) {
            throw new CliException("standard input line " + number + " has no key separator ("
                    + (keySeparator.equals("TAB") ? "a tab" : "'" + separator + "'") + "); nothing was inserted "
                    + "(each line is KEY" + (keySeparator.equals("TAB") ? "<TAB>" : separator) + "DATA)");
        }
        String lineKey = line.substring(0, at);
        if (lineKey.isEmpty()) {
            throw new CliException("standard input line " + number + " has an empty key; nothing was inserted");
        }
        try {
            TopicRouting.checkKey(lineKey);
        } catch (IllegalArgumentException e) {
            throw new CliException("standard input line " + number + ": " + e.getMessage() + "; nothing was inserted");
        }
        return event(lineKey, line.substring(at + separator.length()));
    }

    private static String decode(CharsetDecoder utf8, byte[] line, long number) {
        try {
            return utf8.decode(ByteBuffer.wrap(line)).toString();
        } catch (CharacterCodingException e) {
            throw new CliException("standard input line " + number + " is not valid UTF-8; nothing was inserted "
                    + "(convert the input, e.g. with iconv -f LATIN1 -t UTF-8)");
        }
    }

    /** The next line without its line end ({@code \n} or {@code \r\n}), or {@code null} at the end. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b = in.read();
        if (b < 0) {
            return null;
        }
        while (b >= 0 && b != '\n') {
            line.write(b);
            b = in.read();
        }
        byte[] bytes = line.toByteArray();
        return bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? java.util.Arrays.copyOf(bytes, bytes.length - 1) : bytes;
    }

    /** Java shows argument bytes it could not decode as U+FFFD: refuse rather than store a replacement character. */
    private static void checkDecoded(String what, String value) {
        if (value != null && value.indexOf('\uFFFD') >= 0) {
            throw new CliException(what + " contains bytes that are not valid in the system's encoding ("
                    + System.getProperty("sun.jnu.encoding", "unknown") + "), shown as U+FFFD at index "
                    + value.indexOf('\uFFFD') + "; nothing was inserted (use UTF-8 text, or pipe the data through "
                    + "standard input)");
        }
    }

    private OutgoingEvent event(String eventKey, String payload) {
        OutgoingEvent.Builder b = OutgoingEvent.builder(type).payload(payload).extra1(extra1).extra2(extra2).extra3(extra3);
        return (eventKey != null ? b.key(eventKey) : b.extra4(extra4)).build();
    }
}
