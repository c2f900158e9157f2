package org.loket.host.trace;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.databind.SequenceWriter;
import java.io.IOException;
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
    private static final CsvMapper MAPPER = new CsvMapper();

    private TraceCsv() {
    }

    /** Reads a trace, sorted by arrival (stable, so equal arrivals keep file order). */
    public static List<TraceContact> read(Path file) throws TraceException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(reader, file.toString());
        } catch (IOException e) {
            throw new TraceException(List.of(file + ": cannot read: " + e.getMessage()));
        }
    }

    /** Reads a trace from {@code reader}; {@code name} appears in problems. */
    public static List<TraceContact> read(Reader reader, String name) throws TraceException {
        List<String> problems = new ArrayList<>();
        List<TraceContact> contacts = new ArrayList<>();
        CsvSchema schema = CsvSchema.emptySchema().withHeader().withColumnReordering(true);
        try (MappingIterator<Map<String, String>> rows = MAPPER.readerForMapOf(String.class).with(schema)
                .with(CsvParser.Feature.TRIM_SPACES).readValues(reader)) {
            CsvSchema header = (CsvSchema) rows.getParser().getSchema();
            List<String> present = new ArrayList<>();
            header.forEach(column -> present.add(column.getName()));
            for (String column : REQUIRED) {
                if (!present.contains(column)) {
                    problems.add(name + ":1: the header has no column '" + column + "'; required columns: " + REQUIRED);
                }
            }
            if (!problems.isEmpty()) {
                throw new TraceException(problems);
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            while (rows.hasNextValue() && problems.size() < MAX_PROBLEMS) {
                int line = rows.getCurrentLocation().getLineNr();
                Map<String, String> row = rows.nextValue();
                Row r = new Row(name, line, row, problems);
                TraceContact contact = new TraceContact(line,
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
                    problems.add(name + ":" + line + ": contact_id '" + contact.contactId() + "' appears twice");
                }
                contacts.add(contact);
            }
        } catch (IOException | RuntimeException e) {
            problems.add(name + ": not a readable CSV trace: " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new TraceException(problems);
        }
        contacts.sort(Comparator.comparingLong(TraceContact::arrivalMs));
        return contacts;
    }

    /** Writes a trace with every column, in the documented order. */
    public static void write(List<TraceContact> contacts, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(contacts, writer);
        }
    }

    public static void write(List<TraceContact> contacts, Writer writer) throws IOException {
        CsvSchema.Builder builder = CsvSchema.builder();
        COLUMNS.forEach(builder::addColumn);
        try (SequenceWriter out = MAPPER.writer(builder.build().withHeader()).writeValues(writer)) {
            for (TraceContact c : contacts) {
                out.write(List.of(c.arrivalMs(), c.contactId(), c.channel().name().toLowerCase(Locale.ROOT), c.topic(),
                        c.priority() < 0 ? "" : c.priority(), c.language() == null ? "" : c.language(), c.selfServiceMs(),
                        c.selfServed(), c.patienceMs() < 0 ? "" : c.patienceMs(), c.handleMs(), c.wrapUpMs(),
                        c.redialOf() == null ? "" : c.redialOf(), c.callbackAfterMs() < 0 ? "" : c.callbackAfterMs()));
            }
        }
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
