package org.loket.host.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.decision.Decision;
import org.loket.core.routing.RoutingCore;
import org.loket.core.state.ByteArrayState;
import org.loket.host.journal.Journal;
import org.loket.host.journal.JournalCodec;
import org.loket.host.journal.UnreadableRecords;
import org.loket.host.snapshot.SnapshotStore;
import org.loket.host.sim.DaySimulatorTest;

/** A wallboard's "today": one collector per local day, and the same figures whether read back from the journal or fed live. */
class TodayKpisTest {
    /** 2026-03-02T00:00:00Z, in ns. */
    private static final long MIDNIGHT_NS = 20_514L * 86_400 * 1_000_000_000L;
    private static final long HOUR_NS = 3_600_000_000_000L;

    private final LoadedConfig config = DaySimulatorTest.config();
    private final List<Decision> decided = new ArrayList<>();
    private final RoutingCore core = new RoutingCore(d -> decided.add(new Decision().copyFrom(d)));
    /** Every command the core took, with its decisions (copies), in order: what a journal holds. */
    private final List<Map.Entry<Command, Decision[]>> fed = new ArrayList<>();
    private long sequence;

    private void apply(long atNs, CommandType type, Consumer<Command> fields) {
        Command c = new Command();
        c.type = type;
        c.sequence = ++sequence;
        c.timestampNs = atNs;
        fields.accept(c);
        decided.clear();
        core.apply(c);
        Decision[] decisions = decided.toArray(new Decision[0]);
        for (Decision d : decisions) {
            d.causeSequence = c.sequence;
        }
        fed.add(Map.entry(c, decisions));
    }

    /** A caller who picks the queue in the menus and hangs up while waiting: offered and abandoned there. */
    private void abandonInTheQueue(long contact, long atNs) {
        apply(atNs, CommandType.CONTACT_ARRIVED, c -> {
            c.contactId = contact;
            c.entryId = 0;
            c.channel = Channel.VOICE.code();
        });
        apply(atNs + 1_000_000L, CommandType.SELF_SERVICE_INPUT, c -> {
            c.contactId = contact;
            c.input = 1;
        });
        apply(atNs + 2_000_000L, CommandType.SELF_SERVICE_INPUT, c -> {
            c.contactId = contact;
            c.input = 2;
        });
        apply(atNs + 30_000_000_000L, CommandType.CONTACT_ABANDONED, c -> c.contactId = contact);
    }

    /**
     * Yesterday: a configuration, a service announcement, a reload that puts queue "x" ahead of "q",
     * two abandons; today: three, who all hear the announcement.
     *
     * @return the configuration in force at midnight (the reload's)
     */
    private LoadedConfig twoDays() throws Exception {
        apply(MIDNIGHT_NS - 20 * HOUR_NS, CommandType.CONFIG_APPLIED, c -> c.payload = RoutingConfigCodec.encode(config.routing()));
        abandonInTheQueue(1, MIDNIGHT_NS - 10 * HOUR_NS);
        // The service announcement, set yesterday before the reload (which keeps it by name), is still set today.
        apply(MIDNIGHT_NS - 6 * HOUR_NS, CommandType.ANNOUNCEMENT_SET, c -> c.input = config.routing().prompts().indexOf("info"));
        LoadedConfig moved = ConfigLoader.parse(Map.of("routing.yaml", "version: 2\n" + DaySimulatorTest.yaml()
                .replace("queues: [{name: q,", "queues: [{name: x, channel: voice, skill: s}, {name: q,")), "v2");
        apply(MIDNIGHT_NS - 5 * HOUR_NS, CommandType.CONFIG_APPLIED, c -> c.payload = RoutingConfigCodec.encode(moved.routing()));
        abandonInTheQueue(2, MIDNIGHT_NS - HOUR_NS);
        for (int n = 3; n <= 5; n++) {
            abandonInTheQueue(n, MIDNIGHT_NS + n * HOUR_NS);
        }
        return moved;
    }

    /** What {@link #fed} holds, as a journal in {@code folder} (today's day file). */
    private void writeJournal(Path folder) {
        try (Journal journal = Journal.open(folder); Journal.CommandWriter commands = journal.commandWriter();
             Journal.DecisionWriter decisions = journal.decisionWriter()) {
            for (var f : fed) {
                commands.append(f.getKey());
                if (f.getValue().length > 0) {
                    decisions.append(f.getKey().sequence, f.getValue(), f.getValue().length);
                }
            }
        }
    }

    @Test
    void shouldCountOnlyTodayUnderTheConfigurationInForceAtMidnight() throws Exception {
        twoDays();
        TodayKpis today = new TodayKpis(ZoneOffset.UTC, 5_000, null);
        for (var f : fed) {
            today.accept(f.getKey(), f.getValue(), f.getValue().length);
        }
        KpiReport report = today.report(MIDNIGHT_NS + 10 * HOUR_NS);
        assertThat(report.queue("q").offered()).as("today's three, not yesterday's two").isEqualTo(3);
        assertThat(report.queue("q").abandoned()).isEqualTo(3);
        // Read with yesterday's first configuration, queue id 0 would be "q"; in force at midnight it is "x".
        assertThat(report.queue("x").offered()).isZero();
        assertThat(report.queue("q").announcement().heard()).isEqualTo(3);
        assertThat(report.announcements()).as("in force from midnight").singleElement().satisfies(p -> {
            assertThat(p.prompt()).isEqualTo("info");
            assertThat(p.fromEpochMs()).isEqualTo(MIDNIGHT_NS / 1_000_000);
            assertThat(p.toEpochMs()).isNull();
            assertThat(p.heard()).isEqualTo(3);
        });
        assertThat(today.report(MIDNIGHT_NS + 30 * HOUR_NS)).as("tomorrow: nothing yet").isNull();
        assertThat(today.lastSequence()).isEqualTo(sequence);
    }

    @Test
    void shouldGiveTheSameFiguresFromTheJournalAndTheCommandsFedSinceAsFedLiveThroughout(@TempDir Path folder) throws Exception {
        LoadedConfig inForce = twoDays();
        writeJournal(folder);
        assertThat(Files.isDirectory(folder.resolve("commands"))).isTrue();
        long today = MIDNIGHT_NS / 86_400_000_000_000L;
        int restart = fed.size() - 6; // a restart in the middle of today's third caller
        long firstLive = fed.get(restart).getKey().sequence;

        TodayKpis seeded = TodayKpis.fromJournal(folder, firstLive, ZoneOffset.UTC, 5_000, today);
        assertThat(seeded.lastSequence()).as("stopped before the first command fed live").isEqualTo(firstLive - 1);
        for (var f : fed.subList(restart - 2, fed.size())) { // two already read: skipped
            seeded.accept(f.getKey(), f.getValue(), f.getValue().length);
        }
        TodayKpis live = new TodayKpis(ZoneOffset.UTC, 5_000, null);
        for (var f : fed) {
            live.accept(f.getKey(), f.getValue(), f.getValue().length);
        }
        long nowNs = MIDNIGHT_NS + 10 * HOUR_NS;
        Figures expected = live.report(nowNs).queue("q");
        Figures actual = seeded.report(nowNs).queue("q");
        assertThat(actual.offered()).isEqualTo(3);
        assertThat(actual.abandoned()).isEqualTo(3);
        assertThat(actual).usingRecursiveComparison().isEqualTo(expected);

        TodayKpis liveOnly = new TodayKpis(ZoneOffset.UTC, 5_000, RoutingConfigCodec.encode(inForce.routing()));
        for (var f : fed.subList(restart, fed.size())) {
            liveOnly.accept(f.getKey(), f.getValue(), f.getValue().length);
        }
        assertThat(liveOnly.report(nowNs).queue("q").offered()).as("without the journal the restart loses the morning").isLessThan(3);
    }

    @Test
    void shouldReadTodayFromTheSnapshotWrittenBeforeMidnightWithoutReadingTheDaysBefore(@TempDir Path folder) throws Exception {
        twoDays();
        long midnightMs = MIDNIGHT_NS / 1_000_000;
        SetTimeProvider time = new SetTimeProvider();
        time.currentTimeMillis(midnightMs - 44 * 3_600_000L);
        // The day before yesterday holds a tick, then a record this Loket cannot read: a reader from the start fails on it.
        try (Journal journal = Journal.open(folder, time); Journal.CommandWriter commands = journal.commandWriter()) {
            Command tick = new Command();
            tick.type = CommandType.TICK;
            tick.timestampNs = time.currentTimeMillis() * 1_000_000L;
            commands.append(tick);
        }
        UnreadableRecords.append(folder.resolve("commands"), time);
        time.currentTimeMillis(midnightMs - 20 * 3_600_000L);
        RoutingCore yesterday = new RoutingCore(d -> { });
        try (Journal journal = Journal.open(folder, time); Journal.CommandWriter commands = journal.commandWriter();
             Journal.DecisionWriter decisions = journal.decisionWriter()) {
            for (var f : fed) {
                Command c = f.getKey();
                if (c.timestampNs >= MIDNIGHT_NS && time.currentTimeMillis() < midnightMs) {
                    // The engine's end-of-day snapshot, then today's day file.
                    ByteArrayState state = new ByteArrayState();
                    yesterday.writeState(state);
                    new SnapshotStore(folder.resolve("snapshots")).write(yesterday.lastSequence(), state.toByteArray());
                    Path written = new SnapshotStore(folder.resolve("snapshots")).files().get(0);
                    Files.setLastModifiedTime(written, FileTime.fromMillis(midnightMs - 1));
                    time.currentTimeMillis(midnightMs + 1);
                }
                if (c.timestampNs < MIDNIGHT_NS) {
                    yesterday.apply(c);
                }
                commands.append(c);
                if (f.getValue().length > 0) {
                    decisions.append(c.sequence, f.getValue(), f.getValue().length);
                }
            }
        }
        assertThatThrownBy(() -> JournalKpis.forEach(folder, Long.MAX_VALUE, (c, d, n) -> { }))
                .isInstanceOf(JournalCodec.FormatException.class);

        TodayKpis seeded = TodayKpis.fromJournal(folder, Long.MAX_VALUE, ZoneOffset.UTC, 5_000, MIDNIGHT_NS / 86_400_000_000_000L);
        TodayKpis live = new TodayKpis(ZoneOffset.UTC, 5_000, null);
        for (var f : fed) {
            live.accept(f.getKey(), f.getValue(), f.getValue().length);
        }
        long nowNs = MIDNIGHT_NS + 10 * HOUR_NS;
        assertThat(seeded.report(nowNs).queue("q").offered()).isEqualTo(3);
        assertThat(seeded.report(nowNs).queue("x").offered()).as("the configuration in force at midnight came from the snapshot").isZero();
        assertThat(seeded.report(nowNs).queue("q")).usingRecursiveComparison().isEqualTo(live.report(nowNs).queue("q"));
        assertThat(seeded.report(nowNs).announcements()).as("the announcement set before the snapshot, from midnight")
                .hasSize(1).isEqualTo(live.report(nowNs).announcements());
        assertThat(seeded.report(nowNs).intervals()).extracting(KpiReport.Interval::announcementMs)
                .isEqualTo(live.report(nowNs).intervals().stream().map(KpiReport.Interval::announcementMs).toList());
        assertThat(seeded.lastSequence()).isEqualTo(sequence);
    }

    @Test
    void shouldReportOneDayOfAJournalAndNothingOfTheDaysAround(@TempDir Path folder) throws Exception {
        twoDays();
        writeJournal(folder);
        java.time.LocalDate today = java.time.LocalDate.ofEpochDay(MIDNIGHT_NS / 86_400_000_000_000L);
        KpiReport yesterday = TodayKpis.ofDay(folder, ZoneOffset.UTC, 5_000, today.minusDays(1));
        assertThat(yesterday.contacts()).as("yesterday's two callers, not today's three").isEqualTo(2);
        KpiReport ofToday = TodayKpis.ofDay(folder, ZoneOffset.UTC, 5_000, today);
        TodayKpis live = new TodayKpis(ZoneOffset.UTC, 5_000, null);
        for (var f : fed) {
            live.accept(f.getKey(), f.getValue(), f.getValue().length);
        }
        assertThat(ofToday.contacts()).isEqualTo(3);
        assertThat(ofToday.queue("q")).usingRecursiveComparison().isEqualTo(live.report(MIDNIGHT_NS + HOUR_NS).queue("q"));
        assertThat(TodayKpis.ofDay(folder, ZoneOffset.UTC, 5_000, today.plusDays(1))).isNull();
    }
}
