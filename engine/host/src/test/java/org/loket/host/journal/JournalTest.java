package org.loket.host.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.core.testkit.Commands;

class JournalTest {
    @TempDir
    Path folder;

    /**
     * The journal holds pseudonyms and every agent's actions: its folder is its owner's alone, also
     * one that existed with wider permissions, whatever modes Chronicle gives the files inside.
     */
    @Test
    void shouldKeepTheJournalFolderOwnerOnly() throws Exception {
        Path fresh = folder.resolve("fresh");
        Path existing = Files.createDirectories(folder.resolve("existing"));
        Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Path journalFolder : new Path[] {fresh, existing}) {
            try (Journal journal = Journal.open(journalFolder); var writer = journal.commandWriter()) {
                writer.append(Commands.arrive(1_000, 42, Channel.CHAT, 3, 7));
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(journalFolder))).as(journalFolder.toString())
                    .isEqualTo("rwx------");
        }
    }

    @Test
    void shouldReadBackEveryFieldOfCommandsAndDecisions() {
        Command arrival = Commands.arrive(1_000, 42, Channel.CHAT, 3, 7);
        arrival.sequence = 1;
        arrival.languageId = 1;
        arrival.citizenPseudonym = 0x8000_0000_1234_5678L;
        Command config = Commands.config(0, new org.loket.core.testkit.ConfigBuilder().build());
        config.sequence = 2;
        Decision offer = new Decision();
        offer.type = DecisionType.OFFER_CONTACT;
        offer.causeSequence = 1;
        offer.contactId = 42;
        offer.agentId = 9;
        offer.candidates = 3;
        offer.score = 123_456_789L;
        offer.runnerUp = 4;
        offer.flags = Decision.FLAG_CALLBACK;
        try (Journal journal = Journal.open(folder)) {
            try (var writer = journal.commandWriter(); var decisions = journal.decisionWriter()) {
                writer.append(arrival);
                writer.append(config);
                decisions.append(1, new Decision[] {offer, new Decision().copyFrom(offer)}, 2);
                Decision[] many = new Decision[20]; // more than the writer's first buffer holds
                for (int i = 0; i < many.length; i++) {
                    many[i] = new Decision().copyFrom(offer);
                    many[i].contactId = 100 + i;
                }
                decisions.append(2, many, many.length);
            }
            try (var reader = journal.commandReader()) {
                Command read = new Command();
                assertThat(reader.next(read)).isTrue();
                assertThat(read).isEqualTo(arrival);
                assertThat(reader.next(read)).isTrue();
                assertThat(read).isEqualTo(config);
                assertThat(reader.next(read)).isFalse();
            }
            try (var reader = journal.decisionReader()) {
                assertThat(reader.next()).isTrue();
                assertThat(reader.count()).isEqualTo(2);
                assertThat(reader.decision(1).toString()).isEqualTo(offer.toString());
                assertThat(reader.decision(1).hashInto(0)).isEqualTo(offer.hashInto(0));
                assertThat(reader.next()).isTrue();
                assertThat(reader.count()).isEqualTo(20);
                assertThat(reader.decision(19).contactId).isEqualTo(119);
                assertThat(reader.decision(19).runnerUp).isEqualTo(offer.runnerUp);
                assertThat(reader.next()).isFalse();
            }
        }
    }

    @Test
    void shouldReadCommandsOfTheFirstFormatWithoutCitizens() {
        // A batch of two commands as Lokets before the citizen pseudonym wrote it (kind 1, no pseudonym field).
        try (net.openhft.chronicle.queue.ChronicleQueue queue = net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder
                .single(folder.resolve("commands").toFile()).rollCycle(net.openhft.chronicle.queue.RollCycles.FAST_DAILY).build();
             var appender = queue.createAppender();
             var dc = appender.writingDocument()) {
            var out = dc.wire().bytes();
            out.writeByte((byte) JournalCodec.FORMAT_WITHOUT_CHECKSUM).writeByte((byte) JournalCodec.KIND_COMMAND_WITHOUT_CITIZEN).writeInt(2);
            for (long sequence = 1; sequence <= 2; sequence++) {
                out.writeByte((byte) org.loket.core.command.CommandType.CONTACT_ARRIVED.code());
                out.writeLong(sequence).writeLong(1_000 * sequence).writeLong(40 + sequence);
                for (int field = 0; field < 9; field++) { // agent, entry, queue, channel, priority, language, input, state, reason
                    out.writeInt(field == 1 ? 0 : Command.NONE);
                }
                out.writeInt(-1); // no payload
            }
        }
        try (Journal journal = Journal.openExisting(folder); var reader = journal.commandReader()) {
            Command read = new Command();
            read.citizenPseudonym = 99; // a reused holder: the reader must say "unknown"
            assertThat(reader.next(read)).isTrue();
            assertThat(read.contactId).isEqualTo(41);
            assertThat(read.entryId).isZero();
            assertThat(read.citizenPseudonym).isEqualTo(Command.UNKNOWN_CITIZEN);
            assertThat(reader.next(read)).isTrue();
            assertThat(read.sequence).isEqualTo(2);
            assertThat(read.contactId).isEqualTo(42);
            assertThat(reader.next(read)).isFalse();
        }
    }

    /**
     * A batch longer than the writer's first array (256 commands) and the reader's (64 KiB), then a
     * short one: both grow, and the reader reads the short record after the long one right.
     */
    @Test
    void shouldReadBackABatchLongerThanTheFirstBuffers() {
        int n = 1_000;
        try (Journal journal = Journal.open(folder); var writer = journal.commandWriter()) {
            writer.begin();
            for (int i = 1; i <= n; i++) {
                Command tick = Commands.tick(i);
                tick.sequence = i;
                writer.add(tick);
            }
            writer.end();
            Command last = Commands.tick(n + 1);
            last.sequence = n + 1;
            writer.append(last);
        }
        try (Journal journal = Journal.openExisting(folder); var reader = journal.commandReader()) {
            Command read = new Command();
            for (int i = 1; i <= n + 1; i++) {
                assertThat(reader.next(read)).isTrue();
                assertThat(read.sequence).isEqualTo(i);
                assertThat(read.timestampNs).isEqualTo(Commands.tick(i).timestampNs);
            }
            assertThat(reader.next(read)).isFalse();
        }
    }

    /** Appends a record's bytes as they are, as one Chronicle document, to a journal queue. */
    private static void appendRaw(Path queueFolder, byte[] record) {
        try (net.openhft.chronicle.queue.ChronicleQueue queue = net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder
                .single(queueFolder.toFile()).rollCycle(net.openhft.chronicle.queue.RollCycles.FAST_DAILY).build();
             var appender = queue.createAppender();
             var dc = appender.writingDocument()) {
            dc.wire().bytes().write(record);
        }
    }

    /**
     * A journal of a Loket before checksums (format 1, commands and decisions), continued by this
     * one (format 2): both are read, the old records without a check.
     */
    @Test
    void shouldReadRecordsWithoutChecksumsAndThoseWithAfterThem() {
        appendRaw(folder.resolve("commands"), JournalCodecTest.asFormatOne(JournalCodecTest.commandRecord()));
        appendRaw(folder.resolve("decisions"), JournalCodecTest.asFormatOne(JournalCodecTest.decisionRecord()));
        Command tick = Commands.tick(2_000);
        tick.sequence = 3;
        Decision reject = new Decision();
        reject.type = DecisionType.REJECT_COMMAND;
        reject.causeSequence = 3;
        try (Journal journal = Journal.open(folder); var commands = journal.commandWriter(); var decisions = journal.decisionWriter()) {
            commands.append(tick);
            decisions.append(3, new Decision[] {reject}, 1);
        }
        try (Journal journal = Journal.openExisting(folder); var commands = journal.commandReader(); var decisions = journal.decisionReader()) {
            Command read = new Command();
            assertThat(commands.next(read)).isTrue();
            assertThat(read.citizenPseudonym).isEqualTo(0x8000_0000_1234_5678L);
            assertThat(commands.next(read)).isTrue();
            assertThat(read.sequence).isEqualTo(2);
            assertThat(commands.next(read)).isTrue();
            assertThat(read).isEqualTo(tick);
            assertThat(commands.next(read)).isFalse();
            assertThat(decisions.next()).isTrue();
            assertThat(decisions.cause()).isEqualTo(1);
            assertThat(decisions.count()).isEqualTo(2);
            assertThat(decisions.decision(1).agentId).isEqualTo(9);
            assertThat(decisions.next()).isTrue();
            assertThat(decisions.cause()).isEqualTo(3);
            assertThat(decisions.decision(0).type).isEqualTo(DecisionType.REJECT_COMMAND);
            assertThat(decisions.next()).isFalse();
        }
    }

    /**
     * A record with a checksum whose format byte changed to 1 would be read unchecked, and wrongly
     * (its count is where format 1 has entries): its checksum holds with format 2, so it is damage.
     */
    @Test
    void shouldRefuseARecordWithoutChecksumAfterRecordsWithOne() {
        Command tick = Commands.tick(2_000);
        tick.sequence = 1;
        try (Journal journal = Journal.open(folder); var commands = journal.commandWriter()) {
            commands.append(tick);
        }
        byte[] changed = JournalCodecTest.commandRecord();
        changed[0] = JournalCodec.FORMAT_WITHOUT_CHECKSUM;
        appendRaw(folder.resolve("commands"), changed);
        try (Journal journal = Journal.openExisting(folder); var commands = journal.commandReader()) {
            Command read = new Command();
            assertThat(commands.next(read)).isTrue();
            assertThatThrownBy(() -> commands.next(read))
                    .isInstanceOf(JournalDamageException.class)
                    .hasMessageContaining("record 1 of")
                    .hasMessageContaining("is of format 1 where its checksum says format 2: its format byte changed")
                    .hasMessageContaining("the last record read intact holds command 1");
        }
    }

    @Test
    void shouldRefuseARecordOfAnotherFormat() {
        UnreadableRecords.append(folder.resolve("commands"), SystemTimeProvider.INSTANCE);
        try (Journal journal = Journal.openExisting(folder); var reader = journal.commandReader()) {
            assertThatThrownBy(() -> reader.next(new Command()))
                    .isInstanceOf(JournalCodec.FormatException.class)
                    .hasMessageContaining("format " + (JournalCodec.FORMAT_MAJOR + 1));
        }
    }

    @Test
    void shouldRefuseAFolderThatIsNotAJournal() {
        assertThatThrownBy(() -> Journal.openExisting(folder.resolve("nothing")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a Loket journal");
    }
}
