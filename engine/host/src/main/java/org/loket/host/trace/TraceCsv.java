package org.loket.host.trace;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.databind.SequenceWriter;
import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.loket.core.Channel;
import org.loket.host.security.OwnerOnlyFiles;

/**
 * Reads and writes the trace CSV format ({@code docs/trace-format.md}): a header row, one contact
 * per row, unknown columns ignored. Reading collects every problem (file, line, column, value)
 * before failing, up to {@link #MAX_PROBLEMS}.
 */
public final class TraceCsv {
    /** The columns every trace must have. */
    public static final List<String> REQUIRED = List.of("arrival_ms", "contact_id", "channel", "topic", "self_service_ms",
            "self_served", "patience_ms", "handle_ms", "wrapup_ms");
    /** Columns that may be left out (or left empty). */
    public static final List<String> OPTIONAL = List.of("priority", "language", "redial_of", "callback_after_ms");
    /** Problems reported before reading stops. */
    public static final int MAX_PROBLEMS = 50;

    private static final List<String> COLUMNS = List.of("arrival_ms", "contact_id", "channel", "topic", "priority", "language",
            "self_service_ms", "self_served", "patience_ms", "handle_ms", "wrapup_ms", "redial_of", "callback_after_ms");
    private static final List<String> STAFFING_COLUMNS = List.of("at_ms", "agent", "event", "reason");
    private static final List<String> CONTACT_COLUMNS = List.of("contact_id", "citizen", "channel", "entry", "language", "arrived_at",
            "self_service_ms", "queue", "last_queue", "wait_ms", "agent", "talk_ms", "wrap_up_ms", "wrap_up_code", "transfers",
            "callback", "outcome", "ended_at");
    private static final CsvMapper MAPPER = new CsvMapper();

    private TraceCsv() {
    }

    /**
     * Reads a trace, sorted by arrival (stable, so equal arrivals keep file order). The file is
     * UTF-8 text, with or without a byte order mark; blank lines are skipped.
     */
    public static List<TraceContact> read(Path file) throws TraceException {
        try (Reader reader = new Utf8Text(Files.newInputStream(file))) {
            return read(reader, file.toString());
        } catch (IOException e) {
            throw new TraceException(List.of(file + ": cannot read: " + e.getMessage()));
        }
    }

    /**
     * Reads a trace from {@code reader}; {@code name} appears in problems, and each row keeps it
     * ({@link TraceContact#where()}) for the problems found later (a row the configuration cannot follow).
     */
    public static List<TraceContact> read(Reader reader, String name) throws TraceException {
        java.util.Set<String> ids = new java.util.HashSet<>();
        List<TraceContact> contacts = rows(reader, name, REQUIRED, r -> {
            TraceContact contact = new TraceContact(name, r.line(),
                    r.millis("arrival_ms", false),
                    r.text("contact_id", true),
                    r.channel(),
                    r.text("topic", true),
                    (int) r.number("priority", -1, 0, 9),
                    r.text("language", false),
                    r.millis("self_service_ms", false),
                    r.bool("self_served"),
                    r.millis("patience_ms", true),
                    r.millis("handle_ms", false),
                    r.millis("wrapup_ms", false),
                    r.text("redial_of", false),
                    r.number("callback_after_ms", -1, 0, 366L * 24 * 3_600_000));
            if (contact.contactId() != null && !ids.add(contact.contactId())) {
                r.problems().add(name + ":" + r.line() + ": contact_id '" + contact.contactId() + "' appears twice");
            }
            return contact;
        });
        contacts.sort(Comparator.comparingLong(TraceContact::arrivalMs));
        return contacts;
    }

    /** Reads a staffing file ({@code at_ms,agent,event,reason}), sorted by time (stable). */
    public static List<StaffingEvent> readStaffing(Path file) throws TraceException {
        List<StaffingEvent> events;
        try (Reader reader = new Utf8Text(Files.newInputStream(file))) {
            events = rows(reader, file.toString(), STAFFING_COLUMNS.subList(0, 3), r -> new StaffingEvent(r.line(),
                    r.millis("at_ms", false), r.text("agent", true), r.presence(), java.util.Objects.requireNonNullElse(r.text("reason", false), "")));
        } catch (IOException e) {
            throw new TraceException(List.of(file + ": cannot read: " + e.getMessage()));
        }
        events.sort(Comparator.comparingLong(StaffingEvent::atMs));
        return events;
    }

    /** Writes a staffing file with every column; owner-only (agents' names and hours), whole. */
    public static void writeStaffing(List<StaffingEvent> events, Path file) throws IOException {
        writePersonalRows(file, STAFFING_COLUMNS, events.stream().map(e -> List.<Object>of(e.atMs(), e.agent(), e.presence().word(), e.reason())));
    }

    /**
     * Writes contact records (docs/trace-format.md, "Contact records"), one per contact, with a header;
     * owner-only (citizens' pseudonyms, agents' names), whole, as the daily export's.
     */
    public static void writeContacts(List<ContactRecord> records, Path file) throws IOException {
        writePersonalRows(file, CONTACT_COLUMNS, records.stream().map(r -> List.<Object>of(r.contactId(), r.citizen(), r.channel(), r.entry(),
                r.language(), r.arrivedAt(), r.selfServiceMs(), r.queue(), r.lastQueue(), r.waitMs() < 0 ? "" : r.waitMs(), r.agent(),
                r.talkMs(), r.wrapUpMs(), r.wrapUpCode(), r.transfers(), r.callback(), r.outcome(), r.endedAt())));
    }

    /** Writes a header of {@code columns} and the rows to {@code file}, creating its folder. */
    private static void writeRows(Path file, List<String> columns, java.util.stream.Stream<List<Object>> rows) throws IOException {
        createFolderOf(file);
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            writeRows(writer, columns, rows);
        }
    }

    /** As {@link #writeRows(Path, List, java.util.stream.Stream)}, for data about people: readable by the owner only, whatever the umask. */
    private static void writePersonalRows(Path file, List<String> columns, java.util.stream.Stream<List<Object>> rows) throws IOException {
        createFolderOf(file);
        OwnerOnlyFiles.replace(file, writer -> writeRows(writer, columns, rows));
    }

    private static void createFolderOf(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    private static void writeRows(Writer writer, List<String> columns, java.util.stream.Stream<List<Object>> rows) throws IOException {
        CsvSchema.Builder builder = CsvSchema.builder();
        columns.forEach(builder::addColumn);
        try (SequenceWriter out = MAPPER.writer(builder.build().withHeader()).writeValues(writer)) {
            for (List<Object> row : (Iterable<List<Object>>) rows::iterator) {
                out.write(row);
            }
        }
    }

    /** Every row of a CSV with a header holding {@code required}, parsed by {@code parse}; all problems at once. */
    private static <T> List<T> rows(Reader reader, String name, List<String> required, java.util.function.Function<Row, T> parse)
            throws TraceException {
        List<String> problems = new ArrayList<>();
        List<T> parsed = new ArrayList<>();
        CsvSchema schema = CsvSchema.emptySchema().withHeader().withColumnReordering(true);
        // Blank lines are skipped (a row of nothing is no contact; the lines keep their numbers).
        try (MappingIterator<Map<String, String>> rows = MAPPER.readerForMapOf(String.class).with(schema)
                .with(CsvParser.Feature.TRIM_SPACES).with(CsvParser.Feature.SKIP_EMPTY_LINES).readValues(withoutBom(reader))) {
            CsvSchema header = (CsvSchema) rows.getParser().getSchema();
            List<String> present = new ArrayList<>();
            header.forEach(column -> present.add(column.getName()));
            for (String column : required) {
                if (!present.contains(column)) {
                    problems.add(name + ":1: the header has no column '" + column + "'; required columns: " + required);
                }
            }
            if (!problems.isEmpty()) {
                throw new TraceException(problems);
            }
            while (rows.hasNextValue() && problems.size() < MAX_PROBLEMS) {
                int line = rows.getCurrentLocation().getLineNr();
                parsed.add(parse.apply(new Row(name, line, rows.nextValue(), problems)));
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // The parser's own words without its "at [Source: ...]" trailer; the line when it knows one.
            String message = e.getOriginalMessage();
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            problems.add(message.startsWith("Empty header line")
                    ? name + ":1: no header line (an empty file?): a trace starts with a header naming its columns; required: " + required
                    : name + (line > 0 ? ":" + line : "") + ": not a readable CSV file: " + message);
        } catch (Utf8Text.NotUtf8 e) {
            problems.add(name + ":" + e.line() + ": not UTF-8 text (from this line on); save the file as UTF-8"
                    + " (in Excel: \"CSV UTF-8\")");
        } catch (IOException | RuntimeException e) {
            problems.add(name + ": not a readable CSV file: " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new TraceException(problems);
        }
        return parsed;
    }

    /**
     * {@code reader} without the byte order mark (U+FEFF) it may start with: Excel's "CSV UTF-8" and
     * other Windows tools write one, and the header's first column would not match with it.
     */
    private static Reader withoutBom(Reader reader) throws IOException {
        PushbackReader r = new PushbackReader(reader, 1);
        int first = r.read();
        if (first >= 0 && first != '\uFEFF') {
            r.unread(first);
        }
        return r;
    }

    /** Writes a trace with every column, in the documented order. */
    public static void write(List<TraceContact> contacts, Path file) throws IOException {
        writeRows(file, COLUMNS, contacts.stream().map(TraceCsv::traceRow));
    }

    public static void write(List<TraceContact> contacts, Writer writer) throws IOException {
        writeRows(writer, COLUMNS, contacts.stream().map(TraceCsv::traceRow));
    }

    private static List<Object> traceRow(TraceContact c) {
        return List.of(c.arrivalMs(), c.contactId(), c.channel().name().toLowerCase(Locale.ROOT), c.topic(),
                c.priority() < 0 ? "" : c.priority(), c.language() == null ? "" : c.language(), c.selfServiceMs(),
                c.selfServed(), c.patienceMs() < 0 ? "" : c.patienceMs(), c.handleMs(), c.wrapUpMs(),
                c.redialOf() == null ? "" : c.redialOf(), c.callbackAfterMs() < 0 ? "" : c.callbackAfterMs());
    }

    /** One row's fields, parsed with problems that name file, line and column. */
    private record Row(String file, int line, Map<String, String> values, List<String> problems) {
        String text(String column, boolean required) {
            String value = values.get(column);
            if (value == null || value.isEmpty()) {
                if (required) {
                    problem(column, "", "is required");
                }
                return null;
            }
            return value;
        }

        long number(String column, long absent, long min, long max) {
            String value = values.get(column);
            if (value == null || value.isEmpty()) {
                return absent;
            }
            try {
                long n = Long.parseLong(value);
                if (n < min || n > max) {
                    problem(column, value, "must be between " + min + " and " + max);
                }
                return n;
            } catch (NumberFormatException e) {
                problem(column, value, "must be a whole number between " + min + " and " + max);
                return absent;
            }
        }

        /** Milliseconds >= 0; empty is an error unless {@code emptyMeansNever} (then -1). */
        long millis(String column, boolean emptyMeansNever) {
            String value = values.get(column);
            if ((value == null || value.isEmpty()) && !emptyMeansNever) {
                problem(column, "", "is required (milliseconds, 0 or more)");
                return 0;
            }
            return number(column, -1, 0, 366L * 24 * 3_600_000);
        }

        boolean bool(String column) {
            String value = values.get(column);
            return switch (value == null ? "" : value.toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes" -> true;
                case "false", "0", "no" -> false;
                default -> {
                    problem(column, value == null ? "" : value, "must be true or false");
                    yield false;
                }
            };
        }

        StaffingEvent.Presence presence() {
            String value = values.get("event");
            for (StaffingEvent.Presence p : StaffingEvent.Presence.values()) {
                if (p.word().equals(value)) {
                    return p;
                }
            }
            problem("event", value == null ? "" : value, "must be login, ready, pause or logout");
            return StaffingEvent.Presence.READY;
        }

        Channel channel() {
            String value = values.get("channel");
            try {
                return Channel.valueOf(value == null ? "" : value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problem("channel", value == null ? "" : value, "must be voice, chat, email or social");
                return Channel.VOICE;
            }
        }

        private void problem(String column, String value, String message) {
            problems.add(file + ":" + line + ": column " + column + (value.isEmpty() ? "" : " = '" + value + "'") + ": " + message);
        }
    }
}
