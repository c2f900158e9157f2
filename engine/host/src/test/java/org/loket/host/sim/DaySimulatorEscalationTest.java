package org.loket.host.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.core.Channel;
import org.loket.host.journal.Journal;
import org.loket.host.kpi.Figures;
import org.loket.host.kpi.JournalKpis;
import org.loket.host.kpi.KpiReport;
import org.loket.host.trace.TraceContact;

/**
 * Escalation steps through the simulator and the KPIs: a senior (ann) and a junior (bob); q widens to
 * juniors after 30 s, offers a callback after 60 s and overflows into spill after 90 s; closing
 * closes after 60 s. Four citizens whose fate is worked out by hand.
 */
public class DaySimulatorEscalationTest {
    private static final long H = 3_600_000;
    private static final long M = 60_000;
    private static final long S = 1_000;

    public static LoadedConfig config() throws Exception {
        return ConfigLoader.parse(Map.of("routing.yaml", YAML), "test");
    }

    /** The helpdesk of these scenarios: queue q escalates (widen, callback, overflow to spill), closing closes. */
    public static final String YAML = """
                languages: [nl, en]
                skills: [s, t, nl, en]
                prompts: {sorry: {nl: sorry, en: sorry}}
                queues:
                  - name: q
                    channel: voice
                    requires: "s >= 5 and language"
                    serviceLevelSeconds: 20
                    escalation:
                      - {after: 30, widen: "s and language"}
                      - {after: 60, offerCallback: true}
                      - {after: 90, overflow: spill}
                  - {name: spill, channel: voice, skill: s}
                  - {name: closing, channel: voice, skill: t, escalation: [{after: 60, close: sorry}]}
                agents:
                  - {name: ann, skills: {s: 5, t: 1, nl: 5}, shifts: [{start: "08:00", end: "10:00"}]}
                  - {name: bob, skills: {s: 2, nl: 5, en: 5}, shifts: [{start: "08:00", end: "10:00"}]}
                entries: [{name: phone, queue: q}, {name: spill-line, queue: spill}, {name: closing-line, queue: closing}]
                """;

    private static TraceContact row(long arrivalMs, String id, String topic, long handleMs) {
        return new TraceContact(0, arrivalMs, id, Channel.VOICE, topic, -1, "nl", 0, false, -1, handleMs, 0, null, -1);
    }

    public static List<TraceContact> trace() {
        return List.of(
                row(8 * H + 10 * M, "busy", "q", 10 * M),           // ann, at once; she is busy until 08:20:03
                row(8 * H + 10 * M + 10 * S, "w", "q", 10 * M),     // widened at 08:10:40: bob takes it (until 08:20:43)
                row(8 * H + 11 * M, "cb", "q", 60 * S),             // widened, offered a callback at 08:12:00, overflows at 08:12:30
                row(8 * H + 13 * M, "x", "closing", 60 * S));       // only ann has t: closed at 08:14:00
    }

    private static DaySimulator.Settings settings(double share) {
        return new DaySimulator.Settings(LocalDate.of(2027, 3, 1), ZoneOffset.UTC, 3_000, 5_000, share, 7);
    }

    @Test
    void shouldCountWhatEveryStepDidInTheQueueWhoseStepItWas(@TempDir Path folder) throws Exception {
        DaySimulator.Result result;
        try (Journal journal = Journal.open(folder)) {
            result = new DaySimulator(config(), settings(1.0)).run(trace(), journal, null);
        }
        KpiReport kpis = result.kpis();
        assertThat(kpis.openAtEnd()).isZero();
        Figures total = kpis.totals();
        assertThat(total.offered()).isEqualTo(4);
        assertThat(total.answered()).as("busy, w, cb (called back)").isEqualTo(3);
        assertThat(total.abandoned()).isZero();
        assertThat(total.deflected()).as("x").isEqualTo(1);
        assertThat(total.serviceLevel()).as("only busy within 20 s; x counts against it").isEqualTo(0.25);
        assertThat(total.callbacks()).isEqualTo(1);
        assertThat(total.escalation()).isEqualTo(new Figures.Escalation(2, 1, 1, 1, 1, 1));
        // cb joined q at 08:11:00 and keeps that place in spill: ann takes it at 08:20:03, answered at 08:20:06.
        assertThat(total.longestWaitMs()).isEqualTo(546_000);

        Figures q = kpis.queue("q");
        assertThat(q.offered()).as("cb counts once, in its first queue").isEqualTo(3);
        assertThat(q.answered()).isEqualTo(3);
        assertThat(q.escalation()).isEqualTo(new Figures.Escalation(2, 1, 0, 1, 1, 0));
        Figures spill = kpis.queue("spill");
        assertThat(spill.offered()).isZero();
        assertThat(spill.escalation()).isEqualTo(new Figures.Escalation(0, 0, 1, 0, 0, 0));
        Figures closing = kpis.queue("closing");
        assertThat(closing.offered()).isEqualTo(1);
        assertThat(closing.deflected()).isEqualTo(1);
        assertThat(closing.abandoned()).as("deflected is not abandoned").isZero();
        assertThat(closing.serviceLevel()).isEqualTo(0.0);
        assertThat(closing.escalation().closed()).isEqualTo(1);

        ObjectMapper json = new ObjectMapper();
        KpiReport fromJournal = JournalKpis.read(folder, ZoneOffset.UTC, 5_000);
        assertThat(json.writeValueAsString(fromJournal)).isEqualTo(json.writeValueAsString(kpis));
    }

    @Test
    void shouldLeaveACitizenWhoDeclinesTheOfferWaiting() throws Exception {
        KpiReport kpis = new DaySimulator(config(), settings(0.0)).run(trace(), null, null).kpis();
        Figures total = kpis.totals();
        assertThat(total.escalation().callbackOffers()).isEqualTo(1);
        assertThat(total.escalation().callbackOffersAccepted()).isZero();
        assertThat(total.callbacks()).isZero();
        assertThat(total.answered()).as("cb still waits and is answered in spill").isEqualTo(3);
        assertThat(kpis.queue("q").escalation().overflowedOut()).isEqualTo(1);
    }

    @Test
    void shouldDrawEachCitizensAnswerFromTheSeedAndTheContactAlone() {
        DaySimulator.Settings s = settings(DaySimulator.Settings.DEFAULT_CALLBACK_ACCEPT_SHARE);
        int accepted = 0;
        for (long id = 1; id <= 20_000; id++) {
            boolean yes = s.acceptsCallback(id, 0);
            assertThat(settings(DaySimulator.Settings.DEFAULT_CALLBACK_ACCEPT_SHARE).acceptsCallback(id, 0)).isEqualTo(yes);
            accepted += yes ? 1 : 0;
        }
        assertThat(accepted / 20_000.0).isCloseTo(0.4, org.assertj.core.data.Offset.offset(0.015));
    }
}
