package org.loket.host.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class CsvRecordTest {

    @Test
    void shouldWriteTheHeaderOnceAndEachLineWithItsTimeToAnOwnerOnlyFile(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("deeper").resolve("audit.csv");
        OperatorAudit audit = new OperatorAudit(file);
        audit.record("wallboard", "floor-lead", "agent-state", "chat-desk-001", "paused training");
        audit.record("wallboard", "lead, \"the\"\nboss", "signed-in", "", "");

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("time,via,actor,action,target,detail");
        assertThat(lines.get(1)).matches("\\d{4}-\\d\\d-\\d\\dT[^,]+Z,wallboard,floor-lead,agent-state,chat-desk-001,paused training");
        assertThat(lines.get(2)).as("free text cannot add columns or lines").endsWith(",wallboard,lead_ _the__boss,signed-in,,");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(lines.get(2).split(",", -1)).hasSize(6);
    }

    @Test
    void shouldKeepTheProcessLogAsTheOnlyRecordWithoutAFile() {
        CsvRecord record = new CsvRecord(null, "time,x", LoggerFactory.getLogger(CsvRecordTest.class), "test");
        record.append("x"); // nothing to write, nothing thrown
        assertThat(record.file()).isNull();
        assertThat(OperatorAudit.besideJournal(Path.of("/var/lib/loket/journal"), 0).file()).isEqualTo(Path.of("/var/lib/loket/journal.files/audit.csv"));
    }

    @Test
    void shouldMoveAMonthAsideAtTheFirstLineOfTheNextAndDeleteMonthsPastTheRetention(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("audit.csv");
        MutableClock clock = new MutableClock(Instant.parse("2027-01-31T23:59:00Z"));
        CsvRecord record = new CsvRecord(file, "time,x", LoggerFactory.getLogger(CsvRecordTest.class), "test", 30, clock);
        record.append("january");
        clock.now = Instant.parse("2027-02-01T00:01:00Z");
        record.append("february");

        assertThat(Files.readAllLines(folder.resolve("audit-2027-01.csv"))).hasSize(2).last().asString().endsWith(",january");
        assertThat(Files.readAllLines(file)).as("a new month starts with its header").hasSize(2).first().isEqualTo("time,x");
        assertThat(Files.readAllLines(file).get(1)).startsWith("2027-02-01T00:01:00Z,").endsWith(",february");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("audit-2027-01.csv")))).isEqualTo("rw-------");

        Files.writeString(folder.resolve("audit-2026-12.csv"), "time,x\n");
        Files.writeString(folder.resolve("monitoring-2026-11.csv"), "someone else's\n");
        clock.now = Instant.parse("2027-03-02T10:00:00Z"); // January ended 29 days ago, December 60
        record.append("march");
        assertThat(Files.exists(folder.resolve("audit-2026-12.csv"))).as("past 30 days after its month").isFalse();
        assertThat(Files.exists(folder.resolve("audit-2027-01.csv"))).as("29 days after its month: kept").isTrue();
        assertThat(Files.exists(folder.resolve("audit-2027-02.csv"))).isTrue();
        assertThat(Files.exists(folder.resolve("monitoring-2026-11.csv"))).as("another record's months are not this one's").isTrue();

        clock.now = Instant.parse("2027-03-03T10:00:00Z");
        new CsvRecord(file, "time,x", LoggerFactory.getLogger(CsvRecordTest.class), "test", 30, clock);
        assertThat(Files.exists(folder.resolve("audit-2027-01.csv"))).as("at start too, without a line: 30 days after January").isFalse();
        assertThat(Files.readAllLines(file)).as("the current month stays where it is").hasSize(2).last().asString().endsWith(",march");
    }

    @Test
    void shouldMoveAsideAMonthLeftByAnEarlierRunAndNeverOverwriteOne(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("monitoring.csv");
        Files.writeString(file, "time,x\n2027-01-10T08:00:00Z,old\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2027-01-10T08:00:00Z")));
        Files.writeString(folder.resolve("monitoring-2027-01.csv"), "restored by hand\n");
        MutableClock clock = new MutableClock(Instant.parse("2027-02-03T09:00:00Z"));
        new CsvRecord(file, "time,x", LoggerFactory.getLogger(CsvRecordTest.class), "test", 0, clock).append("new");

        assertThat(Files.readString(folder.resolve("monitoring-2027-01.csv"))).isEqualTo("restored by hand\n");
        assertThat(Files.readAllLines(folder.resolve("monitoring-2027-01-2.csv"))).containsExactly("time,x", "2027-01-10T08:00:00Z,old");
        assertThat(Files.readAllLines(file)).hasSize(2).last().asString().endsWith(",new");
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
