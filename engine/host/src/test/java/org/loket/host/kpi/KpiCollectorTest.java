package org.loket.host.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.loket.config.LoadedConfig;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.decision.Decision;
import org.loket.core.routing.RoutingCore;

/** The collector fed by a real core, command by command, as a journal would feed it. */
public class KpiCollectorTest {
    private final LoadedConfig config = org.loket.host.sim.DaySimulatorTest.config();
    private final List<Decision> decided = new ArrayList<>();
    private final RoutingCore core = new RoutingCore(d -> decided.add(new Decision().copyFrom(d)));
    private final KpiCollector kpis = new KpiCollector(ZoneOffset.UTC, 5_000);
    private long sequence;
    private static final long T0_MS = 1_772_438_400_000L;
    /** The pseudonym {@link #apply} puts on arrivals. */
    private long citizen = Command.UNKNOWN_CITIZEN;

    private void apply(long atMs, CommandType type, java.util.function.Consumer<Command> fields) {
        Command c = new Command();
        c.type = type;
        c.sequence = ++sequence;
        c.timestampNs = (T0_MS + atMs) * 1_000_000L;
        if (type == CommandType.CONTACT_ARRIVED) {
            c.citizenPseudonym = citizen;
        }
        fields.accept(c);
        decided.clear();
        core.apply(c);
        kpis.accept(c, decided.toArray(new Decision[0]), decided.size());
    }

    @Test
    void shouldCountContactsTurnedAwayByAClosureInTheirQueue() {
        apply(0, CommandType.CONFIG_APPLIED, c -> c.payload = RoutingConfigCodec.encode(config.routing()));
        int hold = config.routing().prompts().indexOf("hold");
        closeQueue(1_000, 0, hold);
        arriveAndChooseTheQueue(1);
        arriveAndChooseTheQueue(2);
        KpiReport report = kpis.report();
        assertThat(report.totals().closed()).isEqualTo(2);
        assertThat(report.totals().offered()).as("turned away before joining").isZero();
        assertThat(report.queue("q").closed()).isEqualTo(2);
        assertThat(report.openAtEnd()).isZero();
    }

    @Test
    void shouldCountContactsTurnedAwayByBusinessHoursApartFromTheEmergencyClosure() {
        apply(0, CommandType.CONFIG_APPLIED, c -> c.payload = RoutingConfigCodec.encode(config.routing()));
        int closedPrompt = config.routing().prompts().indexOf("closed");
        int hold = config.routing().prompts().indexOf("hold");
        apply(1_000, CommandType.QUEUE_HOURS_SET, c -> {
            c.queueId = -1;
            c.input = closedPrompt;
        });
        arriveAndChooseTheQueue(1);
        closeQueue(3_000, 0, hold);
        arriveAndChooseTheQueue(2); // both closures: the emergency wins
        KpiReport report = kpis.report();
        assertThat(report.queue("q").outsideHours()).isEqualTo(1);
        assertThat(report.queue("q").closed()).isEqualTo(1);
        assertThat(report.totals().outsideHours()).isEqualTo(1);
        assertThat(report.totals().offered()).isZero();
        assertThat(report.totals().serviceLevel()).as("nobody offered: no service level").isNull();
    }

    @Test
    void shouldKeepAQueuesFiguresUnderItsNameWhenALiveReloadMovesItsId() throws Exception {
        apply(0, CommandType.CONFIG_APPLIED, c -> c.payload = RoutingConfigCodec.encode(config.routing()));
        int hold = config.routing().prompts().indexOf("hold");
        closeQueue(1_000, 0, hold);
        arriveAndChooseTheQueue(1);
        // Version 2 puts queue "x" ahead of "q": q's id becomes 1, id 0 is x.
        String yaml = org.loket.host.sim.DaySimulatorTest.yaml();
        assertThat(yaml).contains("queues: [{name: q,");
        var moved = org.loket.config.ConfigLoader.parse(java.util.Map.of("routing.yaml",
                "version: 2\n" + yaml.replace("queues: [{name: q,", "queues: [{name: x, channel: voice, skill: s}, {name: q,")), "v2");
        assertThat(moved.routing().queues().get(1).name()).isEqualTo("q");
        apply(3_000, CommandType.CONFIG_APPLIED, c -> c.payload = RoutingConfigCodec.encode(moved.routing()));
        assertThat(decided).noneMatch(d -> d.type == org.loket.core.decision.DecisionType.REJECT_COMMAND);
        closeQueue(3_500, 1, moved.routing().prompts().indexOf("hold"));
        arriveAndChooseTheQueue(2);
        KpiReport report = kpis.report();
        assertThat(report.queue("q").closed()).as("both contacts, before and after the reload").isEqualTo(2);
        assertThat(report.queue("x").closed()).isZero();
    }

    @Test
    void shouldCountATransferOutOfOneQueueAndIntoTheOtherAndTheContactOnceInItsFirst() throws Exception {
        // Queue "x" beside "q", both served by ann (no wrap-up in x, 60 s in q).
        var two = org.loket.config.ConfigLoader.parse(java.util.Map.of("routing.yaml", "version: 1\n"
                + org.loket.host.sim.DaySimulatorTest.yaml().replace("queues: [{name: q,", "queues: [{name: x, channel: voice, skill: s}, {name: q,")),
                "two");
        int x = 0;
        int ann = 0;
        apply(0, CommandType.CONFIG_APPLIED, c -> c.payload = RoutingConfigCodec.encode(two.routing()));
        apply(100, CommandType.AGENT_LOGGED_IN, c -> c.agentId = ann);
        arriveAndChooseTheQueue(1);
        assertThat(decided).anyMatch(d -> d.type == org.loket.core.decision.DecisionType.OFFER_CONTACT);
        byAgent(3_000, CommandType.OFFER_ACCEPTED, 1, ann);
        apply(60_000, CommandType.TRANSFER_REQUESTED, c -> {
            c.contactId = 1;
            c.agentId = ann;
            c.queueId = x;
            c.input = Command.NONE;
        });
        assertThat(decided).anyMatch(d -> d.type == org.loket.core.decision.DecisionType.TRANSFER_CONTACT);
        assertThat(decided).as("ann, free again, is offered it in x").anyMatch(d -> d.type == org.loket.core.decision.DecisionType.OFFER_CONTACT);
        byAgent(62_000, CommandType.OFFER_ACCEPTED, 1, ann);
        apply(120_000, CommandType.CONTACT_ENDED, c -> c.contactId = 1);
        KpiReport report = kpis.report();
        assertThat(report.queue("q").offered()).as("offered once, in its first queue").isEqualTo(1);
        assertThat(report.queue("x").offered()).isZero();
        assertThat(report.queue("q").transfers()).isEqualTo(new Figures.Transfers(1, 0));
        assertThat(report.queue("x").transfers()).isEqualTo(new Figures.Transfers(0, 1));
        assertThat(report.totals().transfers()).isEqualTo(new Figures.Transfers(1, 1));
    }

    @Test
    void shouldCountAnsweredContactsByTheWrapUpCodeTheirAgentRecordedByItsName() throws Exception {
        var coded = org.loket.config.ConfigLoader.parse(java.util.Map.of("routing.yaml", "version: 1\n"
                + org.loket.host.sim.DaySimulatorTest.yaml() + "wrapUpCodes: [solved, letter-sent]\n"), "coded");
        int ann = 0;
        apply(0, CommandType.CONFIG_APPLIED, c -> c.payload = RoutingConfigCodec.encode(coded.routing()));
        apply(100, CommandType.AGENT_LOGGED_IN, c -> c.agentId = ann);
        for (long contact = 1; contact <= 3; contact++) {
            long id = contact;
            long at = contact * 100_000;
            arriveAndChooseTheQueue(id, at);
            // contact 1: letter-sent (code 1); 2: solved (code 0); 3: wrap-up ended without a code
            talk(id, ann, at + 3_000, at + 30_000, at + 40_000, contact == 1 ? 1 : contact == 2 ? 0 : Command.NONE);
        }
        KpiReport report = kpis.report();
        assertThat(report.queue("q").answered()).isEqualTo(3);
        assertThat(report.queue("q").wrapUpCodes()).containsExactly(java.util.Map.entry("letter-sent", 1L), java.util.Map.entry("solved", 1L));
        assertThat(report.totals().wrapUpCodes()).isEqualTo(report.queue("q").wrapUpCodes());
    }

    @Test
    void shouldReportEachAgentsTimeLoggedInOccupancyAndPausesByTheirReasonsName() throws Exception {
        int ann = 0;
        apply(0, CommandType.CONFIG_APPLIED, c -> c.payload = RoutingConfigCodec.encode(config.routing()));
        apply(1_000, CommandType.AGENT_LOGGED_IN, c -> c.agentId = ann);
        apply(61_000, CommandType.AGENT_STATE_CHANGED, c -> {
            c.agentId = ann;
            c.agentState = org.loket.core.AgentState.PAUSED.code();
            c.reason = org.loket.core.PauseReason.FIRST_OPERATOR_CODE + 1; // the default's second: training
        });
        apply(661_000, CommandType.AGENT_STATE_CHANGED, c -> {
            c.agentId = ann;
            c.agentState = org.loket.core.AgentState.READY.code();
        });
        arriveAndChooseTheQueue(1, 700_000);
        talk(1, ann, 703_000, 763_000, 770_000, Command.NONE);
        apply(801_000, CommandType.AGENT_STATE_CHANGED, c -> {
            c.agentId = ann;
            c.agentState = org.loket.core.AgentState.LOGGED_OUT.code();
        });
        KpiReport.AgentFigures a = kpis.report().agents().getFirst();
        assertThat(a.name()).isEqualTo("ann");
        assertThat(a.accepted()).isEqualTo(1);
        assertThat(a.loggedInMs()).isEqualTo(800_000);
        assertThat(a.pausedMs()).containsExactly(java.util.Map.entry("training", 600_000L));
        assertThat(a.heldMs()).as("talk and wrap-up").isEqualTo(67_000);
        assertThat(a.staffedMs()).as("logged in, not paused").isEqualTo(200_000);
        assertThat(a.occupancy()).isCloseTo(0.335, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(a.handled()).isEqualTo(1);
        assertThat(a.ahtMs()).as("60 s talk, 7 s wrap-up").isEqualTo(67_000);
        assertThat(a.transferredOut() + a.declined() + a.rangOut()).isZero();
    }

    /**
     * Per agent: ann declines an offer, lets the next one ring out (the core pauses her), takes the
     * third and transfers the contact to bob, who finishes it: bob handled it (talk from his
     * acceptance, and his wrap-up), ann transferred it.
     */
    @Test
    void shouldCountPerAgentTheContactsFinishedTheirAhtTransfersDeclinesAndOffersThatRangOut() throws Exception {
        var two = annOfferedTheFirstContact();
        int ann = 0;
        int bob = 1;
        byAgent(11_000, CommandType.OFFER_DECLINED, 1, ann);
        long offerTimeoutMs = two.routing().queues().get(0).offerTimeoutMs();
        apply(11_000 + offerTimeoutMs + 1_000, CommandType.TICK, c -> { }); // offered to ann again: it rings out
        apply(60_000, CommandType.AGENT_STATE_CHANGED, c -> {
            c.agentId = ann;
            c.agentState = org.loket.core.AgentState.READY.code();
        });
        byAgent(61_000, CommandType.OFFER_ACCEPTED, 1, ann);
        apply(62_000, CommandType.AGENT_LOGGED_IN, c -> c.agentId = bob);
        transferTo(91_000, 1, ann, bob, Command.NONE);
        talk(1, bob, 92_000, 132_000, 142_000, Command.NONE);
        KpiReport.AgentFigures a = agentFigures("ann");
        KpiReport.AgentFigures b = agentFigures("bob");
        assertThat(List.of(a.accepted(), a.handled(), a.transferredOut(), a.declined(), a.rangOut())).containsExactly(1L, 0L, 1L, 1L, 1L);
        assertThat(a.ahtMs()).isNull();
        assertThat(List.of(b.accepted(), b.handled(), b.transferredOut(), b.declined(), b.rangOut())).containsExactly(1L, 1L, 0L, 0L, 0L);
        assertThat(b.ahtMs()).as("40 s talk from bob's acceptance, 10 s wrap-up").isEqualTo(50_000);
    }

    /**
     * On {@link #annAndBob}: ann logs in at 1 s, contact 1 arrives at 10 s and is offered to her at once.
     *
     * @return the configuration applied
     */
    private org.loket.config.LoadedConfig annOfferedTheFirstContact() throws Exception {
        var two = annAndBob();
        apply(0, CommandType.CONFIG_APPLIED, c -> c.payload = RoutingConfigCodec.encode(two.routing()));
        apply(1_000, CommandType.AGENT_LOGGED_IN, c -> c.agentId = 0);
        arriveAndChooseTheQueue(1, 10_000);
        return two;
    }

    /** The test configuration with two agents, ann (0) and bob (1), both serving its one queue. */
    private static org.loket.config.LoadedConfig annAndBob() throws Exception {
        return org.loket.config.ConfigLoader.parse(java.util.Map.of("routing.yaml", "version: 1\n"
                + org.loket.host.sim.DaySimulatorTest.yaml().replace("agents: [{name: ann, skills: {s: 5}, shifts: [{start: \"08:00\", end: \"09:00\"}]}]",
                        "agents: [{name: ann, skills: {s: 5}}, {name: bob, skills: {s: 5}}]")), "two");
    }

    /**
     * Ann introduces her caller to bob, who accepts and leaves the call first: the contact is hers
     * again, she finishes it (handled by ann, its talk counted from bob's acceptance), bob held it
     * only while he was on the call.
     */
    @Test
    void shouldGiveAnIntroducedContactBackToItsIntroducerWhenTheNextAgentLeavesFirst() throws Exception {
        annOfferedTheFirstContact();
        int ann = 0;
        int bob = 1;
        byAgent(11_000, CommandType.OFFER_ACCEPTED, 1, ann);
        apply(12_000, CommandType.AGENT_LOGGED_IN, c -> c.agentId = bob);
        transferTo(20_000, 1, ann, bob, Command.TRANSFER_INTRODUCE);
        byAgent(21_000, CommandType.OFFER_ACCEPTED, 1, bob);
        byAgent(51_000, CommandType.TRANSFER_LEFT, 1, bob);
        apply(81_000, CommandType.CONTACT_ENDED, c -> c.contactId = 1);
        byAgent(91_000, CommandType.WRAP_UP_DONE, 1, ann);
        KpiReport.AgentFigures a = agentFigures("ann");
        KpiReport.AgentFigures b = agentFigures("bob");
        assertThat(List.of(a.accepted(), a.handled(), a.transferredOut())).containsExactly(1L, 1L, 1L);
        assertThat(a.ahtMs()).as("60 s talk from bob's acceptance, 10 s wrap-up").isEqualTo(70_000);
        assertThat(a.heldMs()).as("from her acceptance to her wrap-up's end").isEqualTo(80_000);
        assertThat(List.of(b.accepted(), b.handled(), b.transferredOut())).containsExactly(1L, 0L, 0L);
        assertThat(b.heldMs()).as("the 30 s he was on the call").isEqualTo(30_000);
        assertThat(kpis.report().queue("q").answered()).isEqualTo(1);
    }

    /**
     * Ann (queue q) introduces her caller to bob in queue x; bob leaves first, so the call is back in
     * q with ann, as if it had not moved: when she then passes it on to x, that transfer counts out of
     * q (not out of x, where the call no longer is). The introduction itself was made: it counts too.
     */
    @Test
    void shouldCountATransferAfterAReturnedIntroductionOutOfTheIntroducersQueue() throws Exception {
        var two = org.loket.config.ConfigLoader.parse(java.util.Map.of("routing.yaml", "version: 1\n"
                + org.loket.host.sim.DaySimulatorTest.yaml()
                        .replace("queues: [{name: q,", "queues: [{name: x, channel: voice, skill: s}, {name: q,")
                        .replace("agents: [{name: ann, skills: {s: 5}, shifts: [{start: \"08:00\", end: \"09:00\"}]}]",
                                "agents: [{name: ann, skills: {s: 5}}, {name: bob, skills: {s: 5}}]")), "two");
        int x = 0;
        int q = 1;
        int ann = 0;
        int bob = 1;
        apply(0, CommandType.CONFIG_APPLIED, c -> c.payload = RoutingConfigCodec.encode(two.routing()));
        apply(1_000, CommandType.AGENT_LOGGED_IN, c -> c.agentId = ann);
        arriveAndChooseTheQueue(1, 10_000);
        byAgent(11_000, CommandType.OFFER_ACCEPTED, 1, ann);
        apply(12_000, CommandType.AGENT_LOGGED_IN, c -> c.agentId = bob);
        transferTo(20_000, 1, ann, bob, Command.TRANSFER_INTRODUCE); // into x
        byAgent(21_000, CommandType.OFFER_ACCEPTED, 1, bob);
        byAgent(51_000, CommandType.TRANSFER_LEFT, 1, bob);
        assertThat(decided).filteredOn(d -> d.type == org.loket.core.decision.DecisionType.TRANSFER_RELEASED).singleElement()
                .satisfies(d -> assertThat(d.queueId).as("back in q").isEqualTo(q));
        transferTo(60_000, 1, ann, bob, Command.NONE); // into x again, cold
        byAgent(61_000, CommandType.OFFER_ACCEPTED, 1, bob);
        apply(91_000, CommandType.CONTACT_ENDED, c -> c.contactId = 1); // no wrap-up in x
        KpiReport report = kpis.report();
        assertThat(report.openAtEnd()).isZero();
        assertThat(report.queue("q").offered()).as("offered once, in its first queue").isEqualTo(1);
        assertThat(report.queue("q").transfers()).as("both transfers out of q").isEqualTo(new Figures.Transfers(2, 0));
        assertThat(report.queue("x").transfers()).as("none out of x").isEqualTo(new Figures.Transfers(0, 2));
        assertThat(List.of(agentFigures("ann").transferredOut(), agentFigures("bob").handled())).containsExactly(2L, 1L);
    }

    @Test
    void shouldWeighEachContactsQueueTargetIntoTheServiceLevelTargetOfEveryRow() throws Exception {
        String yaml = org.loket.host.sim.DaySimulatorTest.yaml();
        var strict = org.loket.config.ConfigLoader.parse(java.util.Map.of("routing.yaml", "version: 1\n"
                + yaml.replace("serviceLevelSeconds: 20}", "serviceLevelSeconds: 20, serviceLevelPercent: 95}")), "strict");
        var lenient = org.loket.config.ConfigLoader.parse(java.util.Map.of("routing.yaml", "version: 2\n"
                + yaml.replace("serviceLevelSeconds: 20}", "serviceLevelSeconds: 20, serviceLevelPercent: 60}")), "lenient");
        int ann = 0;
        apply(0, CommandType.CONFIG_APPLIED, c -> c.payload = RoutingConfigCodec.encode(strict.routing()));
        apply(100, CommandType.AGENT_LOGGED_IN, c -> c.agentId = ann);
        arriveAndChooseTheQueue(2);
        apply(4_500, CommandType.CONTACT_ABANDONED, c -> c.contactId = 2); // hangs up while ann's phone rings: a short abandon, in no service level
        answer(1, 10_000, 3_000);  // within the 20 s threshold
        KpiReport first = kpis.report();
        assertThat(first.queue("q").serviceLevel()).isEqualTo(1.0);
        assertThat(first.queue("q").serviceLevelTarget()).isEqualTo(0.95);
        assertThat(first.queue("q").underTarget()).isFalse();

        apply(200_000, CommandType.CONFIG_APPLIED, c -> c.payload = RoutingConfigCodec.encode(lenient.routing()));
        answer(3, 1_000_000, 40_000); // next interval, past the threshold, under the 60 % target now in force
        KpiReport report = kpis.report();
        assertThat(report.queue("q").serviceLevel()).isEqualTo(0.5);
        assertThat(report.queue("q").serviceLevelTarget()).as("one contact at 95 %, one at 60 %").isCloseTo(0.775, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(report.queue("q").underTarget()).isTrue();
        assertThat(report.totals().serviceLevelTarget()).isEqualTo(report.queue("q").serviceLevelTarget());
        assertThat(report.channels()).filteredOn(c -> c.name().equals("voice")).singleElement()
                .satisfies(voice -> assertThat(voice.serviceLevelTarget()).isEqualTo(report.queue("q").serviceLevelTarget()));
        assertThat(report.intervals()).extracting(i -> i.figures().serviceLevelTarget()).containsExactly(0.95, 0.6);
        assertThat(report.channels()).filteredOn(c -> c.name().equals("chat")).singleElement()
                .satisfies(chat -> assertThat(chat.serviceLevelTarget()).as("no contact, no target").isNull());
    }

    /**
     * A queue whose threshold is two working days: the clock stops at the weekend. T0 is Monday
     * 2 March 2026, 09:00 in Amsterdam (the working days of a configuration without hours).
     */
    @Test
    void shouldCountAServiceLevelInWorkingDaysWithoutTheWeekend() throws Exception {
        String yaml = org.loket.host.sim.DaySimulatorTest.yaml();
        var workingDays = org.loket.config.ConfigLoader.parse(java.util.Map.of("routing.yaml", "version: 1\n"
                + yaml.replace("serviceLevelSeconds: 20}", "serviceLevelWorkingDays: 2}")), "mail-like");
        apply(0, CommandType.CONFIG_APPLIED, c -> c.payload = RoutingConfigCodec.encode(workingDays.routing()));
        apply(100, CommandType.AGENT_LOGGED_IN, c -> c.agentId = 0);
        long day = 86_400_000L;
        long hour = 3_600_000L;
        // Friday 16:00 (+ the 200 ms of menus) to Tuesday 15:00: 95 hours waited, 47 working hours.
        answer(1, 4 * day + 7 * hour, 3 * day + 23 * hour);
        KpiReport inTime = kpis.report();
        assertThat(inTime.queue("q").answeredWithinThreshold()).isEqualTo(1);
        assertThat(inTime.queue("q").asaMs()).as("ASA stays the time waited").isEqualTo((double) (3 * day + 23 * hour));
        // The next Friday 16:00 to Tuesday 17:00: 49 working hours.
        answer(2, 11 * day + 7 * hour, 4 * day + hour);
        KpiReport report = kpis.report();
        assertThat(report.queue("q").answered()).isEqualTo(2);
        assertThat(report.queue("q").answeredWithinThreshold()).isEqualTo(1);
        assertThat(report.queue("q").serviceLevel()).isEqualTo(0.5);
        assertThat(report.totals().serviceLevel()).isEqualTo(0.5);
    }

    @Test
    void shouldCountRepeatContactsOfACitizenAndTheAnsweredContactsTheyFollowAsUnresolved() {
        long day = 86_400_000L;
        apply(0, CommandType.CONFIG_APPLIED, c -> c.payload = RoutingConfigCodec.encode(config.routing()));
        apply(100, CommandType.AGENT_LOGGED_IN, c -> c.agentId = 0);
        citizen = 0xA;
        answer(1, 10_000, 3_000);          // answered, closed after its wrap-up ...
        answer(2, 2 * day, 3_000);         // ... and A calls again two days later: a repeat, 1 was not resolved
        answer(3, 10 * day, 3_000);        // eight days after 2: a new matter, no repeat
        citizen = 0xB;
        arriveAndChooseTheQueue(4, 11 * day);
        apply(11 * day + 30_000, CommandType.CONTACT_ABANDONED, c -> c.contactId = 4);
        answer(5, 11 * day + 600_000, 3_000); // B redials after the abandon
        citizen = org.loket.core.command.Command.UNKNOWN_CITIZEN;
        answer(6, 12 * day, 3_000);        // a withheld number: in no repeat figure

        Figures.Repeats total = kpis.report().totals().repeats();
        assertThat(total).isEqualTo(new Figures.Repeats(5, 2, 1, 4, 1, 0.75));
        assertThat(kpis.report().queue("q").repeats()).isEqualTo(total);
        // Booked in the interval of the contact it is about: the first one's (unresolved), the second's (repeat).
        assertThat(kpis.report().intervals()).filteredOn(i -> i.figures().repeats().unresolved() > 0).singleElement()
                .satisfies(i -> assertThat(i.startEpochMs()).isEqualTo(T0_MS));
        assertThat(kpis.report().intervals()).filteredOn(i -> i.figures().repeats().repeated() > 0)
                .extracting(KpiReport.Interval::startEpochMs).containsExactly(T0_MS + 2 * day, T0_MS + 11 * day);
    }

    /**
     * Contact {@code contact} arrives at {@code atMs} and waits {@code waitMs} in the queue (ann pauses meanwhile:
     * an offer rings out after a few seconds), ann answers, talks 30 s, wraps up 10 s.
     */
    private void answer(long contact, long atMs, long waitMs) {
        apply(atMs - 1, CommandType.AGENT_STATE_CHANGED, c -> {
            c.agentId = 0;
            c.agentState = org.loket.core.AgentState.PAUSED.code();
        });
        arriveAndChooseTheQueue(contact, atMs);
        apply(atMs + 200 + waitMs - 1_000, CommandType.AGENT_STATE_CHANGED, c -> {
            c.agentId = 0;
            c.agentState = org.loket.core.AgentState.READY.code();
        });
        assertThat(decided).as("offered to ann").anyMatch(d -> d.type == org.loket.core.decision.DecisionType.OFFER_CONTACT);
        apply(atMs + 200 + waitMs, CommandType.OFFER_ACCEPTED, c -> {
            c.contactId = contact;
            c.agentId = 0;
        });
        assertThat(decided).as("accepted").noneMatch(d -> d.type == org.loket.core.decision.DecisionType.REJECT_COMMAND);
        apply(atMs + 30_200 + waitMs, CommandType.CONTACT_ENDED, c -> c.contactId = contact);
        apply(atMs + 40_200 + waitMs, CommandType.WRAP_UP_DONE, c -> {
            c.contactId = contact;
            c.agentId = 0;
        });
    }

    /** The operator's emergency closure of queue {@code queueId} with prompt {@code promptId}. */
    @Test
    void shouldCountWhoHeardTheServiceAnnouncementAndHowTheyEnded() {
        KpiReport report = announcementScenario();
        Figures.Announcement heard = report.totals().announcement();
        assertThat(heard.heard()).isEqualTo(2);
        assertThat(heard.selfServed()).isEqualTo(1);
        assertThat(heard.abandonedInSelfService()).isZero();
        assertThat(heard.offered()).isEqualTo(1);
        assertThat(heard.answered()).isZero();
        assertThat(heard.abandoned()).isEqualTo(1);
        assertThat(heard.leftBeforeQueue()).isEqualTo(0.5);
        assertThat(heard.abandonRate()).isEqualTo(1.0);
        assertThat(report.totals().abandonRate()).as("everyone: one of two").isEqualTo(0.5);
        assertThat(report.queue("q").announcement().heard()).as("the self-served one under its menu's queue too").isEqualTo(2);
        assertThat(report.channels()).filteredOn(f -> f.name().equals("email")).singleElement()
                .satisfies(f -> assertThat(f.announcement().heard()).isZero());
        assertThat(report.announcements()).singleElement().satisfies(p -> {
            assertThat(p.prompt()).isEqualTo("info");
            assertThat(p.fromEpochMs()).isEqualTo(T0_MS + 1_000);
            assertThat(p.toEpochMs()).isEqualTo(T0_MS + 61_000);
            assertThat(p.from()).isEqualTo("2026-03-02T08:00:01");
            assertThat(p.to()).isEqualTo("2026-03-02T08:01:01");
            assertThat(p.heard()).isEqualTo(2);
        });
        assertThat(report.intervals()).extracting(KpiReport.Interval::announcementMs).containsExactly(60_000L);
    }

    /**
     * The service announcement "info" is set for a minute: 1 hears it and ends at the information
     * leaf, 2 hears it, queues anyway and gives up, e-mail 3 is not told; after it was cleared, 4
     * hears nothing and is answered.
     */
    public KpiReport announcementScenario() {
        apply(0, CommandType.CONFIG_APPLIED, c -> c.payload = RoutingConfigCodec.encode(config.routing()));
        int info = config.routing().prompts().indexOf("info");
        apply(1_000, CommandType.ANNOUNCEMENT_SET, c -> c.input = info);
        apply(2_000, CommandType.CONTACT_ARRIVED, c -> {
            c.contactId = 1;
            c.entryId = 0;
            c.channel = Channel.VOICE.code();
        });
        assertThat(decided.get(0).type).isEqualTo(org.loket.core.decision.DecisionType.ANNOUNCE);
        apply(2_100, CommandType.SELF_SERVICE_INPUT, c -> {
            c.contactId = 1;
            c.input = 1;
        });
        apply(2_200, CommandType.SELF_SERVICE_INPUT, c -> {
            c.contactId = 1;
            c.input = 1;
        });
        arriveAndChooseTheQueue(2, 3_000);
        apply(40_000, CommandType.CONTACT_ABANDONED, c -> c.contactId = 2);
        apply(50_000, CommandType.CONTACT_ARRIVED, c -> {
            c.contactId = 3;
            c.entryId = 0;
            c.channel = Channel.EMAIL.code();
        });
        apply(61_000, CommandType.ANNOUNCEMENT_SET, c -> c.input = -1);
        apply(62_000, CommandType.AGENT_LOGGED_IN, c -> c.agentId = 0);
        arriveAndChooseTheQueue(4, 63_000);
        byAgent(66_000, CommandType.OFFER_ACCEPTED, 4, 0);
        apply(90_000, CommandType.CONTACT_ENDED, c -> c.contactId = 4);
        apply(95_000, CommandType.WRAP_UP_DONE, c -> {
            c.contactId = 4;
            c.agentId = 0;
        });
        return kpis.report();
    }

    @Test
    void shouldStartAnAnnouncementPeriodAtTheFirstContactToldWhenTheSettingWasNotRead() {
        apply(0, CommandType.CONFIG_APPLIED, c -> c.payload = RoutingConfigCodec.encode(config.routing()));
        apply(1_000, CommandType.ANNOUNCEMENT_SET, c -> c.input = config.routing().prompts().indexOf("info"));
        // A collector that began reading after the announcement was set (a live stream since a restart).
        KpiCollector late = new KpiCollector(ZoneOffset.UTC, 5_000);
        Command reload = new Command();
        reload.type = CommandType.CONFIG_APPLIED;
        reload.timestampNs = (T0_MS + 1_500) * 1_000_000L;
        reload.payload = RoutingConfigCodec.encode(config.routing());
        late.accept(reload, new Decision[0], 0);
        apply(2_000, CommandType.CONTACT_ARRIVED, c -> {
            c.contactId = 1;
            c.entryId = 0;
            c.channel = Channel.CHAT.code();
        });
        Command arrival = new Command();
        arrival.type = CommandType.CONTACT_ARRIVED;
        arrival.timestampNs = (T0_MS + 2_000) * 1_000_000L;
        arrival.contactId = 1;
        arrival.entryId = 0;
        arrival.channel = Channel.CHAT.code();
        late.accept(arrival, decided.toArray(new Decision[0]), decided.size());
        assertThat(late.report().announcements()).singleElement().satisfies(p -> {
            assertThat(p.fromEpochMs()).isEqualTo(T0_MS + 2_000);
            assertThat(p.toEpochMs()).isNull();
            assertThat(p.heard()).isEqualTo(1);
        });
    }

    private void closeQueue(long atMs, int queueId, int promptId) {
        apply(atMs, CommandType.QUEUE_CLOSURE_SET, c -> {
            c.queueId = queueId;
            c.input = promptId;
        });
    }

    /** {@code agent} accepts the offered contact, the conversation ends, the wrap-up ends with {@code code} (or none). */
    private KpiReport.AgentFigures agentFigures(String name) {
        return kpis.report().agents().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    /** A command of {@code type} about {@code contact} by {@code agent} (an offer's answer, a leave). */
    private void byAgent(long atMs, CommandType type, long contact, int agent) {
        apply(atMs, type, c -> {
            c.contactId = contact;
            c.agentId = agent;
        });
    }

    /** {@code from} transfers {@code contact} to {@code to} in the one queue ({@code reason}: cold, warm, introducing). */
    private void transferTo(long atMs, long contact, int from, int to, int reason) {
        apply(atMs, CommandType.TRANSFER_REQUESTED, c -> {
            c.contactId = contact;
            c.agentId = from;
            c.queueId = 0;
            c.input = to;
            c.reason = reason;
        });
    }

    private void talk(long contact, int agent, long acceptedMs, long endedMs, long wrappedUpMs, int code) {
        byAgent(acceptedMs, CommandType.OFFER_ACCEPTED, contact, agent);
        apply(endedMs, CommandType.CONTACT_ENDED, c -> c.contactId = contact);
        apply(wrappedUpMs, CommandType.WRAP_UP_DONE, c -> {
            c.contactId = contact;
            c.agentId = agent;
            c.reason = code;
        });
    }

    private void arriveAndChooseTheQueue(long contact) {
        arriveAndChooseTheQueue(contact, 2_000 * contact);
    }

    /** Contact {@code contact} calls at {@code atMs} and picks the queue in the two menus (100 ms each). */
    private void arriveAndChooseTheQueue(long contact, long atMs) {
        apply(atMs, CommandType.CONTACT_ARRIVED, c -> {
            c.contactId = contact;
            c.entryId = 0;
            c.channel = Channel.VOICE.code();
        });
        apply(atMs + 100, CommandType.SELF_SERVICE_INPUT, c -> {
            c.contactId = contact;
            c.input = 1;
        });
        apply(atMs + 200, CommandType.SELF_SERVICE_INPUT, c -> {
            c.contactId = contact;
            c.input = 2;
        });
    }
}
