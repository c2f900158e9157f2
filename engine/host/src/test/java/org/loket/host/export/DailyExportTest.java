package org.loket.host.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.host.journal.Journal;
import org.loket.host.sim.DaySimulator;
import org.loket.host.sim.DaySimulatorTest;

class DailyExportTest {
    private static final LocalDate DAY = LocalDate.of(2027, 3, 1);

    /** The hand-worked day of {@link DaySimulatorTest}, journaled, then exported as the next night comes. */
    @Test
    void shouldExportADayOnceTheNextHasRunToOneOClockWholeAndOwnerOnly(@TempDir Path folder) throws Exception {
        Path journal = journaledDay(folder);
        Path out = folder.resolve("export");

        DailyExport beforeOne = new DailyExport(journal, out, ZoneOffset.UTC, at("2027-03-02T00:30:00Z"), 0);
        assertThat(beforeOne.dueDay()).as("the day before: contacts of the 1st may still be open").isEqualTo(DAY.minusDays(1));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rwx------");

        DailyExport afterOne = new DailyExport(journal, out, ZoneOffset.UTC, at("2027-03-02T01:30:00Z"), 0);
        assertThat(afterOne.dueDay()).isEqualTo(DAY);
        List<Path> written = afterOne.exportDue();
        assertThat(written).extracting(p -> p.getFileName().toString()).containsExactly("contacts-2027-03-01.csv", "kpis-2027-03-01.json");
        for (Path file : written) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        List<String> contacts = Files.readAllLines(out.resolve("contacts-2027-03-01.csv"));
        assertThat(contacts).as("a header and the six contacts that arrived").hasSize(7);
        assertThat(contacts.get(2)).contains(",ann,60000,10000,,0,false,answered,2027-03-01T08:21:13.000");
        JsonNode kpis = new ObjectMapper().readTree(out.resolve("kpis-2027-03-01.json").toFile());
        assertThat(kpis.get("day").asText()).isEqualTo("2027-03-01");
        assertThat(kpis.get("report").get("totals").get("answered").asInt()).isEqualTo(3);
        assertThat(Files.list(out).map(p -> p.getFileName().toString())).as("no temporary files left")
                .containsExactlyInAnyOrder("contacts-2027-03-01.csv", "kpis-2027-03-01.json");

        Files.writeString(out.resolve("contacts-2027-03-01.csv"), "kept\n");
        assertThat(afterOne.exportDue()).as("done once: an existing file is never rewritten").isEmpty();
        assertThat(Files.readString(out.resolve("contacts-2027-03-01.csv"))).isEqualTo("kept\n");

        List<Path> quiet = new DailyExport(journal, out, ZoneOffset.UTC, at("2027-03-03T02:00:00Z"), 0).exportDue();
        assertThat(quiet).hasSize(2);
        assertThat(Files.readAllLines(out.resolve("contacts-2027-03-02.csv"))).as("a day without contacts: the header").hasSize(1);
        assertThat(new ObjectMapper().readTree(out.resolve("kpis-2027-03-02.json").toFile()).get("report").isNull()).isTrue();
    }

    @Test
    void shouldDeleteOnlyItsOwnDayFilesPastTheRetentionAndNotExportADayAlreadyPastIt(@TempDir Path folder) throws Exception {
        Path journal = journaledDay(folder);
        Path out = folder.resolve("export");
        Files.createDirectories(out);
        for (String name : List.of("contacts-2027-02-20.csv", "kpis-2027-02-20.json", "contacts-2027-02-22.csv",
                "kpis-2027-02-22.json", "contacts-2027-02-30.csv", "notes-2027-02-01.csv", "contacts-2027-02-20.csv.bak")) {
            Files.writeString(out.resolve(name), "x\n");
        }
        // Seven days kept after the day: at noon on 1 March the 20th ended 8.5 days ago, the 22nd 6.5.
        DailyExport export = new DailyExport(journal, out, ZoneOffset.UTC, at("2027-03-01T12:00:00Z"), 7);
        assertThat(export.deletePastRetention()).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("contacts-2027-02-20.csv", "kpis-2027-02-20.json");
        assertThat(Files.list(out).map(p -> p.getFileName().toString())).as("the 22nd is still in its time; no other file is ours")
                .containsExactlyInAnyOrder("contacts-2027-02-22.csv", "kpis-2027-02-22.json", "contacts-2027-02-30.csv",
                        "notes-2027-02-01.csv", "contacts-2027-02-20.csv.bak");
        assertThat(new DailyExport(journal, out, ZoneOffset.UTC, at("2027-03-01T12:00:00Z"), 0).deletePastRetention())
                .as("no retention, nothing deleted").isEmpty();

        DailyExport oneDay = new DailyExport(journal, out, ZoneOffset.UTC, at("2027-03-03T00:30:00Z"), 1);
        assertThat(oneDay.dueDay()).isEqualTo(DAY);
        assertThat(oneDay.exportDue()).as("the 1st ended two days ago: past a day's retention, so not written to be deleted").isEmpty();
        assertThat(new DailyExport(journal, out, ZoneOffset.UTC, at("2027-03-02T01:30:00Z"), 1).exportDue()).hasSize(2);
    }

    /** The hand-worked day of {@link DaySimulatorTest} on {@link #DAY}, journaled in {@code folder/journal}. */
    private static Path journaledDay(Path folder) throws Exception {
        Path journal = folder.resolve("journal");
        try (Journal j = Journal.open(journal)) {
            new DaySimulator(DaySimulatorTest.config(), new DaySimulator.Settings(DAY, ZoneOffset.UTC, 3_000, 5_000))
                    .run(DaySimulatorTest.trace(), j, null);
        }
        return journal;
    }

    private static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }
}
