package org.loket.host.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.loket.host.kpi.KpiCollector;
import org.loket.host.kpi.KpiReport;
import org.loket.host.kpi.TodayKpis;
import org.loket.host.security.OwnerOnlyFiles;
import org.loket.host.trace.TraceCsv;
import org.loket.host.trace.TraceExtractor;

/**
 * Each local day of a live journal, exported for supervisors' and researchers' own analysis
 * ({@code loket run --export-folder DIR}): {@code contacts-DAY.csv} (one record per contact, as
 * {@code loket trace extract --contacts-out} writes them: citizens only by pseudonym) and
 * {@code kpis-DAY.json} ({@code day}, {@code zone}, and {@code report}: the day's report as
 * {@code loket report --day DAY --json} gives it, null when nothing happened that day).
 * <p>A day is exported once the next has run to {@link #EXPORT_HOUR}:00 local time, so contacts that
 * began before midnight have ended; at start, yesterday is exported if it is not there yet (no
 * older backfill: {@code loket trace extract} and {@code loket report --day} do any day). Files
 * appear whole (written aside, then moved) and owner-only ({@code rw-------}), in a folder created
 * owner-only; an existing file is never rewritten.
 * <p>Retention: with {@code retentionDays} above 0, a day's two files are deleted once the day ended
 * more than that many days ago ({@link #deletePastRetention}), and a day already past it is not
 * exported. Only files named as this class names them are touched; anything else in the folder is
 * the operator's. Without a retention the folder's own policy applies (research data is often kept
 * longer or shorter than the journal).
 */
public final class DailyExport {
    /** Local hour of the next day at which a day is exported. */
    public static final int EXPORT_HOUR = 1;
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path journal;
    private final Path folder;
    private final ZoneId zone;
    private final Clock clock;
    private final int retentionDays;
    /** {@code contacts-2026-11-24.csv}, {@code kpis-2026-11-24.json}. */
    private static final java.util.regex.Pattern DAY_FILE =
            java.util.regex.Pattern.compile("(?:contacts-(\\d{4}-\\d{2}-\\d{2})\\.csv|kpis-(\\d{4}-\\d{2}-\\d{2})\\.json)");

    /**
     * @param journal the live journal
     * @param folder  where the files go (created owner-only if missing)
     * @param zone    the local time of days and intervals (the configuration's {@code hours.zone})
     * @param retentionDays days an exported day's files are kept after the day; 0 = never deleted
     */
    public DailyExport(Path journal, Path folder, ZoneId zone, Clock clock, int retentionDays) throws IOException {
        if (retentionDays < 0) {
            throw new IllegalArgumentException("export retention " + retentionDays + " days: give 0 (keep every day) or more");
        }
        this.journal = journal;
        this.folder = folder;
        this.zone = zone;
        this.clock = clock;
        this.retentionDays = retentionDays;
        OwnerOnlyFiles.folder(folder);
    }

    /** The day that is due now: yesterday once today has run to {@link #EXPORT_HOUR}:00, else the day before. */
    public LocalDate dueDay() {
        LocalDateTime now = LocalDateTime.now(clock.withZone(zone));
        return now.getHour() >= EXPORT_HOUR ? now.toLocalDate().minusDays(1) : now.toLocalDate().minusDays(2);
    }

    /** Exports the due day unless its files are there or it is past the retention; returns the files written (none when it was done). */
    public List<Path> exportDue() throws IOException {
        LocalDate due = dueDay();
        return pastRetention(due) ? List.of() : export(due);
    }

    /** Deletes the exported days past the retention (none without one); returns the files deleted. */
    public List<Path> deletePastRetention() throws IOException {
        List<Path> deleted = new ArrayList<>();
        if (retentionDays == 0) {
            return deleted;
        }
        try (var files = Files.newDirectoryStream(folder)) {
            for (Path file : files) {
                LocalDate day = dayOf(file);
                if (day != null && pastRetention(day)) {
                    deleted.add(file);
                }
            }
        }
        for (Path file : deleted) {
            Files.delete(file);
        }
        return deleted;
    }

    /** The day an export file is of, or null for a file this class does not write. */
    private static LocalDate dayOf(Path file) {
        java.util.regex.Matcher matcher = DAY_FILE.matcher(file.getFileName().toString());
        if (!matcher.matches()) {
            return null;
        }
        try {
            return LocalDate.parse(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
        } catch (java.time.format.DateTimeParseException e) {
            return null; // contacts-2026-02-30.csv names no day: not ours
        }
    }

    /** Whether {@code day} ended more than the retention's days ago (never without one). */
    private boolean pastRetention(LocalDate day) {
        return retentionDays > 0 && !day.plusDays(1 + retentionDays).isAfter(LocalDate.now(clock.withZone(zone)));
    }

    /** Exports {@code day} unless its files are there; returns the files written. */
    public List<Path> export(LocalDate day) throws IOException {
        List<Path> written = new ArrayList<>();
        Path contacts = folder.resolve("contacts-" + day + ".csv");
        if (!Files.exists(contacts)) {
            TraceExtractor.Result recorded = TraceExtractor.extract(journal, zone, day);
            written.add(whole(contacts, temporary -> TraceCsv.writeContacts(recorded.records(), temporary)));
        }
        Path kpis = folder.resolve("kpis-" + day + ".json");
        if (!Files.exists(kpis)) {
            KpiReport report = TodayKpis.ofDay(journal, zone, KpiCollector.DEFAULT_SHORT_ABANDON_MS, day);
            java.util.Map<String, Object> json = new java.util.LinkedHashMap<>();
            json.put("day", day.toString());
            json.put("zone", zone.getId());
            json.put("report", report); // null: nothing happened that day
            written.add(whole(kpis, temporary -> JSON.writeValue(temporary.toFile(), json)));
        }
        return written;
    }

    private interface Writing {
        void to(Path temporary) throws IOException;
    }

    private Path whole(Path file, Writing writing) throws IOException {
        Path temporary = folder.resolve("." + file.getFileName() + ".part");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        writing.to(temporary);
        Files.setPosixFilePermissions(temporary, OWNER_FILE); // a writer that replaced the file keeps it private
        return Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
