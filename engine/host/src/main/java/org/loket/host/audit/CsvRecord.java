package org.loket.host.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;

/**
 * An append-only record as CSV: a header when the file is created (owner-only, rw-------), then one
 * line per event, each written and synced before {@link #append} returns, so an event is on disk
 * even if the process dies right after it. Every line also goes to the process log, which is the
 * only record when no file is given or the file cannot be written. Thread-safe.
 *
 * <p>Months and retention. The file ({@code audit.csv}) holds the current UTC month: the first line
 * of a new month moves it aside as {@code audit-YYYY-MM.csv} (the month of its last change) and
 * starts a new one, so an operator's {@code tail -F} follows and a month is one file to hand over.
 * With a retention of {@code retentionDays} (0 keeps every month), a month's file is deleted once
 * its month ended more than that many days ago: every line is kept at least {@code retentionDays}
 * days. Old months go at start ({@link #CsvRecord}) and with the first line of each day. The lines
 * name operators, supervisors and agents, so the record is personal data too; it gets a retention of
 * its own rather than the journal's, because accountability may need it longer than the journal
 * (whose data minimisation may want it short).
 */
public final class CsvRecord {
    private final Path file;
    private final String header;
    private final Logger log;
    private final String logPrefix;
    private final int retentionDays;
    private final Clock clock;
    /** The file's name before and from its last dot ({@code audit}, {@code .csv}): months are {@code audit-2026-11.csv}. */
    private final String stem;
    private final String extension;
    /** {@code audit-2026-11.csv} and, should a month be moved aside twice, {@code audit-2026-11-2.csv}. */
    private final Pattern monthFile;
    /** The month the file's lines are of (from its last change at start), or null before the file exists. */
    private YearMonth fileMonth;
    /** The day old months were last looked for. */
    private LocalDate sweptOn;

    /**
     * A record kept for ever (one file, moved aside monthly), in the system's UTC clock.
     *
     * @param file      where to append, or null for the process log only
     * @param header    the columns; the first is always the time (ISO-8601 UTC), which {@link #append} adds
     * @param log       the process log the lines also go to, at info
     * @param logPrefix put before each line in the process log ("monitoring", "audit")
     */
    public CsvRecord(Path file, String header, Logger log, String logPrefix) {
        this(file, header, log, logPrefix, 0, Clock.systemUTC());
    }

    /**
     * @param retentionDays days a month's file is kept after its month ended; 0 keeps every month
     * @param clock         the time of lines, months and retention (tests move it)
     * @throws IllegalArgumentException when {@code retentionDays} is negative
     */
    public CsvRecord(Path file, String header, Logger log, String logPrefix, int retentionDays, Clock clock) {
        if (retentionDays < 0) {
            throw new IllegalArgumentException(logPrefix + " retention " + retentionDays + " days: give 0 (keep every month) or more");
        }
        this.file = file;
        this.header = header;
        this.log = log;
        this.logPrefix = logPrefix;
        this.retentionDays = retentionDays;
        this.clock = clock;
        String name = file == null ? "" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        this.stem = dot < 0 ? name : name.substring(0, dot);
        this.extension = dot < 0 ? "" : name.substring(dot);
        this.monthFile = Pattern.compile(Pattern.quote(stem) + "-(\\d{4}-\\d{2})(-\\d+)?" + Pattern.quote(extension));
        if (file != null) {
            try {
                if (Files.exists(file)) {
                    fileMonth = YearMonth.from(Files.getLastModifiedTime(file).toInstant().atZone(ZoneOffset.UTC));
                }
            } catch (IOException e) {
                log.error("{}: cannot read {} ({})", logPrefix, file, e.toString());
            }
            sweep(LocalDate.now(clock));
        }
    }

    /** Appends a line: the time now, then the fields ({@link #field} them when they are free text). */
    public synchronized void append(String... fields) {
        var now = clock.instant();
        String line = now + "," + String.join(",", fields);
        log.info("{}: {}", logPrefix, line);
        if (file == null) {
            return;
        }
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        try {
            YearMonth month = YearMonth.from(today);
            if (fileMonth != null && !fileMonth.equals(month) && Files.exists(file)) {
                Path aside = asideName(fileMonth);
                Files.move(file, aside);
                log.info("{}: {} moved aside as {} (a new month)", logPrefix, file.getFileName(), aside.getFileName());
            }
            if (!today.equals(sweptOn)) {
                sweep(today);
            }
            boolean created = !Files.exists(file);
            if (created) {
                if (file.getParent() != null) {
                    Files.createDirectories(file.getParent());
                }
                Files.createFile(file);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: left as created
                }
            }
            Files.writeString(file, (created ? header + "\n" : "") + line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND,
                    StandardOpenOption.SYNC);
            fileMonth = month;
        } catch (IOException e) {
            log.error("{}: cannot write {} ({}); the line above is the only record", logPrefix, file, e.toString());
        }
    }

    private Path asideName(YearMonth month) {
        Path aside = file.resolveSibling(stem + "-" + month + extension);
        for (int n = 2; Files.exists(aside); n++) { // a clock set back, or a month's file restored by hand: never overwrite
            aside = file.resolveSibling(stem + "-" + month + "-" + n + extension);
        }
        return aside;
    }

    /** Deletes the months past the retention (none without one); a failure is logged and tried again the next day. */
    private void sweep(LocalDate today) {
        sweptOn = today;
        if (retentionDays == 0 || file.getParent() == null || !Files.isDirectory(file.getParent())) {
            return;
        }
        List<Path> past = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(file.getParent())) {
            for (Path candidate : files) {
                Matcher matcher = monthFile.matcher(candidate.getFileName().toString());
                if (matcher.matches() && pastRetention(matcher.group(1), today)) {
                    past.add(candidate);
                }
            }
            for (Path month : past) {
                Files.delete(month);
                log.info("{}: deleted {} ({} days after its month ended)", logPrefix, month.getFileName(), retentionDays);
            }
        } catch (IOException e) {
            log.error("{}: retention in {} failed ({}); tried again tomorrow", logPrefix, file.getParent(), e.toString());
        }
    }

    private boolean pastRetention(String month, LocalDate today) {
        try {
            return YearMonth.parse(month).plusMonths(1).atDay(1).plusDays(retentionDays).isBefore(today.plusDays(1));
        } catch (DateTimeParseException e) {
            return false; // audit-2026-13.csv is nobody's month: not ours to delete
        }
    }

    /** The file appended to (the current month's), or null. */
    public Path file() {
        return file;
    }

    /** Free text as a CSV field: a comma, quote or line break becomes '_' (names and codes need no quoting). */
    public static String field(String text) {
        return text == null ? "" : text.replaceAll("[,\r\n\"]", "_");
    }
}
