package org.loket.host.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.core.testkit.Commands;

class JournalCodecTest {
    private final CRC32C crc = new CRC32C();

    /** A command record as the journal writes it: two commands, one with a payload. */
    static byte[] commandRecord() {
        Command arrival = Commands.arrive(1_000, 42, Channel.CHAT, 3, 7);
        arrival.sequence = 1;
        arrival.citizenPseudonym = 0x8000_0000_1234_5678L;
        Command config = Commands.config(0, new org.loket.core.testkit.ConfigBuilder().build());
        config.sequence = 2;
        Bytes<?> out = Bytes.allocateElasticOnHeap(256);
        JournalCodec.Scratch scratch = new JournalCodec.Scratch();
        scratch.begin(JournalCodec.KIND_COMMAND);
        scratch.command(arrival);
        scratch.command(config);
        scratch.end(2, out);
        return out.toByteArray();
    }

    /** A decision record as the journal writes it: one group of two decisions. */
    static byte[] decisionRecord() {
        Decision offer = new Decision();
        offer.type = DecisionType.OFFER_CONTACT;
        offer.causeSequence = 1;
        offer.contactId = 42;
        offer.agentId = 9;
        Bytes<?> out = Bytes.allocateElasticOnHeap(256);
        JournalCodec.Scratch scratch = new JournalCodec.Scratch();
        scratch.begin(JournalCodec.KIND_DECISIONS);
        scratch.group(1, new Decision[] {offer, new Decision().copyFrom(offer)}, 2);
        scratch.end(1, out);
        return out.toByteArray();
    }

    /**
     * Every single changed bit after the format byte, in the entries, the count or the checksum
     * itself, makes the record fail its check (CRC32C finds every error of up to 32 bits in a row).
     * The format byte is the readers' to judge: JournalTest.
     */
    @Test
    void shouldFindEveryChangedBitOfARecord() {
        for (byte[] record : new byte[][] {commandRecord(), decisionRecord()}) {
            assertThat(JournalCodec.checksumFails(record, record.length, crc)).isFalse();
            for (int i = 1; i < record.length; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    record[i] ^= (byte) (1 << bit);
                    assertThat(JournalCodec.checksumFails(record, record.length, crc)).as("byte %d bit %d", i, bit).isTrue();
                    record[i] ^= (byte) (1 << bit);
                }
            }
        }
    }

    @Test
    void shouldFindARecordCutShortOrLengthened() {
        byte[] record = commandRecord();
        assertThat(JournalCodec.checksumFails(record, record.length - 1, crc)).isTrue();
        assertThat(JournalCodec.checksumFails(java.util.Arrays.copyOf(record, record.length + 4), record.length + 4, crc)).isTrue();
        assertThat(JournalCodec.checksumFails(record, 5, crc)).as("shorter than a trailer").isTrue();
    }

    @Test
    void shouldReadTheCountFromTheTrailerAndStopBeforeIt() {
        byte[] record = commandRecord();
        Bytes<byte[]> in = Bytes.wrapForRead(record);
        assertThat(JournalCodec.readCommandHeader(in, JournalCodec.carriesCitizens(in))).isEqualTo(2);
        Command read = new Command();
        JournalCodec.readCommand(in, read, true);
        assertThat(read.citizenPseudonym).isEqualTo(0x8000_0000_1234_5678L);
        JournalCodec.readCommand(in, read, true);
        assertThat(read.sequence).isEqualTo(2);
        assertThat(in.readRemaining()).as("the entries end where the trailer starts").isZero();
    }

    /**
     * A record's format byte: a record of format 2 whose byte changed to any other value is damage
     * (its checksum holds with 2), a record of format 1 is read unchecked unless records with
     * checksums came before it, a later format is a newer Loket's, and format 0 nobody's.
     */
    @Test
    void shouldTellAChangedFormatByteFromAnotherFormat() {
        byte[] record = commandRecord();
        assertThat(JournalCodec.problem(record, record.length, crc, false)).isNull();
        for (int value = 0; value < 256; value++) {
            if (value != JournalCodec.FORMAT_MAJOR) {
                record[0] = (byte) value;
                assertThat(JournalCodec.problem(record, record.length, crc, false)).as("format byte %d", value)
                        .isEqualTo("is of format " + value + " where its checksum says format 2: its format byte changed");
            }
        }
        byte[] old = asFormatOne(commandRecord());
        assertThat(JournalCodec.problem(old, old.length, crc, false)).isNull();
        assertThat(JournalCodec.problem(old, old.length, crc, true)).isEqualTo("is of format 1 (no checksum) after records of format 2:"
                + " its format byte changed");
        byte[] later = {JournalCodec.FORMAT_MAJOR + 1, JournalCodec.KIND_COMMAND, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertThat(JournalCodec.problem(later, later.length, crc, true)).isNull();
        assertThat(JournalCodec.later(later, later.length)).isTrue();
        later[0] = 0;
        assertThat(JournalCodec.problem(later, later.length, crc, false)).isEqualTo("is of format 0, which no Loket writes");
        later[0] = (byte) 0x90;
        assertThat(JournalCodec.problem(later, later.length, crc, false)).isEqualTo("is of format 144, which no Loket writes");
        assertThat(JournalCodec.later(later, later.length)).isFalse();
    }

    /** A format-1 record of the same entries: the count in the header, no trailer (as Lokets before checksums wrote). */
    static byte[] asFormatOne(byte[] record) {
        int entries = record.length - 2 - JournalCodec.TRAILER_BYTES;
        byte[] old = new byte[2 + 4 + entries];
        old[0] = JournalCodec.FORMAT_WITHOUT_CHECKSUM;
        old[1] = record[1];
        System.arraycopy(record, record.length - JournalCodec.TRAILER_BYTES, old, 2, 4); // the count
        System.arraycopy(record, 2, old, 6, entries);
        return old;
    }
}
