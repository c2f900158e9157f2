package org.loket.host.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * An append-only record as CSV: a header when the file is created (owner-only, rw-------), then one
 * line per event, each written and synced before {@link #append} returns, so an event is on disk
 * even if the process dies right after it. Every line also goes to the process log, which is the
 * only record when no file is given or the file cannot be written. Thread-safe.
 */
public final class CsvRecord {
    private final Path file;
    private final String header;
    private final Logger log;
    private final String logPrefix;

    /**
     * @param file      where to append, or null for the process log only
     * @param header    the columns; the first is always the time (ISO-8601 UTC), which {@link #append} adds
     * @param log       the process log the lines also go to, at info
     * @param logPrefix put before each line in the process log ("monitoring", "audit")
     */
    public CsvRecord(Path file, String header, Logger log, String logPrefix) {
        this.file = file;
        this.header = header;
        this.log = log;
        this.logPrefix = logPrefix;
    }

    /** Appends a line: the time now, then the fields ({@link #field} them when they are free text). */
    public synchronized void append(String... fields) {
        String line = Instant.now() + "," + String.join(",", fields);
        log.info("{}: {}", logPrefix, line);
        if (file == null) {
            return;
        }
        try {
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
        } catch (IOException e) {
            log.error("{}: cannot write {} ({}); the line above is the only record", logPrefix, file, e.toString());
        }
    }

    /** The file appended to, or null. */
    public Path file() {
        return file;
    }

    /** Free text as a CSV field: a comma, quote or line break becomes '_' (names and codes need no quoting). */
    public static String field(String text) {
        return text == null ? "" : text.replaceAll("[,\r\n\"]", "_");
    }
}
