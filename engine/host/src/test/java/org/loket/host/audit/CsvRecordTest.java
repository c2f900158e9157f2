package org.loket.host.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
        assertThat(OperatorAudit.besideJournal(Path.of("/var/lib/loket/journal")).file()).isEqualTo(Path.of("/var/lib/loket/audit.csv"));
    }
}
