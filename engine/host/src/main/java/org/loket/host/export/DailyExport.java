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

    /**
     * @param journal the live journal
     * @param folder  where the files go (created owner-only if missing)
     * @param zone    the local time of days and intervals (the configuration's {@code hours.zone})
     */
    public DailyExport(Path journal, Path folder, ZoneId zone, Clock clock) throws IOException {
        this.journal = journal;
        this.folder = folder;
        this.zone = zone;
        this.clock = clock;
        OwnerOnlyFiles.folder(folder);
    }

    /** The day that is due now: yesterday once today has run to {@link #EXPORT_HOUR}:00, else the day before. */
    public LocalDate dueDay() {
        LocalDateTime now = LocalDateTime.now(clock.withZone(zone));
        return now.getHour() >= EXPORT_HOUR ? now.toLocalDate().minusDays(1) : now.toLocalDate().minusDays(2);
    }

    /** Exports the due day unless its files are there; returns the files written (none when it was done). */
    public List<Path> exportDue() throws IOException {
        return export(dueDay());
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
