package org.loket.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.loket.core.testkit.Commands.*;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.ContactState;
import org.loket.core.PauseReason;
import org.loket.core.command.Command;
import org.loket.core.config.AgentSelection;
import org.loket.core.config.Deflection;
import org.loket.core.config.EscalationStep;
import org.loket.core.config.Requirement;
import org.loket.core.config.RoutingConfig;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.core.decision.Outcome;
import org.loket.core.decision.RejectReason;
import org.loket.core.testkit.ConfigBuilder;
import org.loket.core.testkit.CoreDriver;
import org.loket.core.testkit.RecordingSink;

/**
 * One readable scenario per routing policy: commands in, the decisions that matter out. Times are
 * milliseconds from the start; the core sees them as epoch nanoseconds.
 */
class PolicyScenarioTest {
    private final ConfigBuilder b = new ConfigBuilder();
    private final CoreDriver driver = new CoreDriver();
    private int digid;
    private int senior;
    private int nl;
    private int en;

    @BeforeEach
    void skills() {
        digid = b.skill("digid");
        senior = b.skill("senior");
        nl = b.skill("nl"); // named like the languages: the 'language' term reads them
        en = b.skill("en");
    }

    private Decision offerOf(long contactId) {
        return driver.sink.where(d -> d.type == DecisionType.OFFER_CONTACT && d.contactId == contactId).getLast();
    }

    private static Command inEnglish(Command arrival) {
        arrival.languageId = 1;
        return arrival;
    }

    @Test
    void andNeedsEveryTermAndOrAnyClause() {
        int q = b.queue("digid-senior", Channel.VOICE, digid);
        b.requires(q, new Requirement(new int[][] {{digid, 3, senior, 1}, {senior, 8}}));
        int e = b.entryToQueue("phone", q);
        int juniorDigid = b.agent("digid-only", digid, 5);
        int both = b.agent("both", digid, 3, senior, 1);
        int expert = b.agent("expert", senior, 8);
        driver.apply(config(0, b.build()), login(0, juniorDigid), arrive(1_000, 1, Channel.VOICE, e));
        assertThat(driver.core.contactState(1)).as("digid alone is not enough").isEqualTo(ContactState.WAITING);
        driver.apply(login(2_000, both));
        assertThat(offerOf(1).agentId).as("digid 3 and senior: the first clause").isEqualTo(both);
        driver.apply(login(3_000, expert), arrive(4_000, 2, Channel.VOICE, e));
        assertThat(offerOf(2).agentId).as("senior 8 alone: the second clause").isEqualTo(expert);
    }

    @Test
    void theLanguageTermRoutesEachCitizenToAgentsWhoSpeakTheirLanguage() {
        int q = b.queue("digid-voice", Channel.VOICE, digid);
        b.requires(q, new Requirement(new int[][] {{digid, 1, Requirement.CONTACT_LANGUAGE, 1}}));
        int e = b.entryToQueue("phone", q);
        int dutch = b.agent("dutch", digid, 5, nl, 5);
        int english = b.agent("english", digid, 5, en, 5);
        driver.apply(config(0, b.build()), login(0, dutch), inEnglish(arrive(1_000, 1, Channel.VOICE, e)));
        assertThat(driver.core.contactState(1)).as("the Dutch-only agent does not get an English caller").isEqualTo(ContactState.WAITING);
        driver.apply(arrive(2_000, 2, Channel.VOICE, e));
        assertThat(offerOf(2).agentId).as("a Dutch caller overtakes: the English one is not theirs to take").isEqualTo(dutch);
        driver.apply(login(3_000, english));
        assertThat(offerOf(1).agentId).isEqualTo(english);
    }

    @Test
    void aWideningStepLetsMoreAgentsServeAndTheContactKeepsItsPlace() {
        int q = b.queue("digid-voice", Channel.VOICE, digid);
        b.queueOptions(q, 5, 0, 0, 15_000, 0);
        b.steps(q, EscalationStep.widen(30_000, Requirement.skill(digid, 1)));
        int e = b.entryToQueue("phone", q);
        int junior = b.agent("junior", digid, 1);
        int expert = b.agent("expert", digid, 9);
        driver.apply(config(0, b.build()), login(0, junior), arrive(1_000, 1, Channel.VOICE, e), arrive(20_000, 2, Channel.VOICE, e));
        assertThat(driver.sink.of(DecisionType.OFFER_CONTACT)).as("the junior is not senior enough yet").isEmpty();
        driver.apply(tick(31_000));
        Decision step = driver.sink.of(DecisionType.ESCALATE).getFirst();
        assertThat(step.contactId).isEqualTo(1);
        assertThat(step.reason).isEqualTo(EscalationStep.Action.WIDEN.code());
        assertThat(step.nodeId).isZero();
        assertThat(offerOf(1).agentId).as("after 30 s the junior qualifies").isEqualTo(junior);
        assertThat(offerOf(1).nodeId).as("the offer names the steps passed").isEqualTo(1);

        driver.apply(accept(32_000, 1, junior), arrive(40_000, 3, Channel.VOICE, e), tick(51_000));
        assertThat(driver.core.contactState(2)).as("widened too, but the junior is busy").isEqualTo(ContactState.WAITING);
        driver.apply(login(60_000, expert));
        assertThat(offerOf(2).agentId).as("the expert serves both tiers: the older contact first").isEqualTo(expert);
        assertThat(driver.core.contactState(3)).isEqualTo(ContactState.WAITING);
    }

    @Test
    void anOverflowMovesTheContactWithItsJoinTime() {
        int specialist = b.queue("app-voice", Channel.VOICE, senior);
        int general = b.queue("digid-voice", Channel.VOICE, digid);
        b.steps(specialist, EscalationStep.overflow(60_000, general));
        int eSpecialist = b.entryToQueue("app", specialist);
        int eGeneral = b.entryToQueue("digid", general);
        int agent = b.agent("generalist", digid, 5);
        driver.apply(config(0, b.build()), arrive(1_000, 1, Channel.VOICE, eSpecialist), arrive(30_000, 2, Channel.VOICE, eGeneral),
                tick(61_000));
        Decision step = driver.sink.of(DecisionType.ESCALATE).getFirst();
        assertThat(step.reason).isEqualTo(EscalationStep.Action.OVERFLOW.code());
        assertThat(step.queueId).isEqualTo(general);
        assertThat(driver.core.contactQueue(1)).isEqualTo(general);
        assertThat(driver.core.positionInQueue(1)).as("joined before contact 2: first").isEqualTo(1);
        driver.apply(login(70_000, agent));
        assertThat(offerOf(1).agentId).isEqualTo(agent);
        assertThat(offerOf(1).queueId).isEqualTo(general);
    }

    @Test
    void aCallbackStepAsksTheAdapterToOfferACallbackAndTheContactKeepsWaiting() {
        int q = b.queue("digid-voice", Channel.VOICE, digid);
        b.steps(q, EscalationStep.offerCallback(120_000));
        int e = b.entryToQueue("phone", q);
        driver.apply(config(0, b.build()), arrive(1_000, 1, Channel.VOICE, e), tick(121_000));
        assertThat(driver.sink.of(DecisionType.ESCALATE)).singleElement()
                .satisfies(d -> assertThat(d.reason).isEqualTo(EscalationStep.Action.OFFER_CALLBACK.code()));
        assertThat(driver.core.contactState(1)).isEqualTo(ContactState.WAITING);
        driver.apply(callback(130_000, 1));
        assertThat(driver.sink.of(DecisionType.CALLBACK_SCHEDULED)).hasSize(1);
    }

    @Test
    void aCloseStepEndsTheContactWithItsMessage() {
        int busy = b.prompt("too-busy");
        int q = b.queue("digid-voice", Channel.VOICE, digid);
        b.steps(q, EscalationStep.close(900_000, busy));
        int e = b.entryToQueue("phone", q);
        driver.apply(config(0, b.build()), arrive(1_000, 1, Channel.VOICE, e), tick(900_999));
        assertThat(driver.core.contactState(1)).isEqualTo(ContactState.WAITING);
        driver.apply(tick(901_000));
        assertThat(driver.sink.of(DecisionType.PLAY_PROMPT)).singleElement().satisfies(d -> {
            assertThat(d.promptId).isEqualTo(busy);
            assertThat(d.flags & Decision.FLAG_FINAL).isNotZero();
        });
        assertThat(driver.sink.of(DecisionType.END_CONTACT)).singleElement()
                .satisfies(d -> assertThat(d.outcome).isEqualTo(Outcome.DEFLECTED));
    }

    @Test
    void aStepThatFellDueDuringAnOfferActsWhenTheOfferEnds() {
        int busy = b.prompt("too-busy");
        int q = b.queue("digid-voice", Channel.VOICE, digid);
        b.queueOptions(q, 1, 0, 0, 60_000, 0);
        b.steps(q, EscalationStep.close(20_000, busy)); // due 30 s in, while ann is being offered it
        int e = b.entryToQueue("phone", q);
        int ann = b.agent("ann", digid, 5);
        driver.apply(config(0, b.build()), login(0, ann), arrive(10_000, 1, Channel.VOICE, e), tick(35_000));
        assertThat(driver.core.contactState(1)).as("being offered: the step waits").isEqualTo(ContactState.OFFERED);
        assertThat(driver.sink.of(DecisionType.ESCALATE)).isEmpty();
        driver.apply(decline(36_000, 1, ann));
        assertThat(driver.sink.of(DecisionType.END_CONTACT)).as("declined: the step acts before anyone is offered it again")
                .singleElement().satisfies(d -> assertThat(d.outcome).isEqualTo(Outcome.DEFLECTED));
        assertThat(driver.sink.of(DecisionType.OFFER_CONTACT)).hasSize(1);
    }

    @Test
    void anAgentOfSeveralQueuesTakesTheOldestContactOfEqualPriority() {
        int q1 = b.queue("digid-voice", Channel.VOICE, digid);
        int q2 = b.queue("app-voice", Channel.VOICE, senior);
        int e1 = b.entryToQueue("digid", q1);
        int e2 = b.entryToQueue("app", q2);
        int ann = b.agent("ann", digid, 5, senior, 5);
        driver.apply(config(0, b.build()), arrive(1_000, 1, Channel.VOICE, e2), arrive(2_000, 2, Channel.VOICE, e1), login(3_000, ann));
        Decision offer = offerOf(1);
        assertThat(offer.agentId).isEqualTo(ann);
        assertThat(offer.candidates).as("heads of two queues compared").isEqualTo(2);
        assertThat(offer.runnerUp).isEqualTo(2);
    }

    @Test
    void mostAndLeastSkilledSelectionPickByLevelThenLongestIdle() {
        int qMost = b.queue("experts-first", Channel.VOICE, digid);
        int qLeast = b.queue("experts-last", Channel.VOICE, senior);
        b.policies(qMost, Deflection.NONE, AgentSelection.MOST_SKILLED, 100);
        b.policies(qLeast, Deflection.NONE, AgentSelection.LEAST_SKILLED, 100);
        int eMost = b.entryToQueue("most", qMost);
        int eLeast = b.entryToQueue("least", qLeast);
        int junior = b.agent("junior", digid, 2, senior, 2);
        int expert = b.agent("expert", digid, 9, senior, 9);
        int middle = b.agent("middle", digid, 5, senior, 5);
        driver.apply(config(0, b.build()), login(0, junior), login(1, expert), login(2, middle),
                arrive(1_000, 1, Channel.VOICE, eMost), arrive(2_000, 2, Channel.VOICE, eLeast));
        assertThat(offerOf(1).agentId).as("most skilled, though idle shorter than the junior").isEqualTo(expert);
        assertThat(offerOf(1).reason).isEqualTo(org.loket.core.decision.OfferReason.MOST_SKILLED_AGENT);
        assertThat(offerOf(2).agentId).as("least skilled that qualifies").isEqualTo(junior);
        assertThat(offerOf(1).candidates).isEqualTo(3);
    }

    @Test
    void aWeightMakesWaitingInOneQueueCountMoreThanInAnother() {
        int q1 = b.queue("digid-voice", Channel.VOICE, digid);
        int urgent = b.queue("urgent-voice", Channel.VOICE, senior);
        b.policies(urgent, Deflection.NONE, AgentSelection.LONGEST_IDLE, 300);
        int e1 = b.entryToQueue("digid", q1);
        int e2 = b.entryToQueue("urgent", urgent);
        int ann = b.agent("ann", digid, 5, senior, 5);
        driver.apply(config(0, b.build()), arrive(1_000, 1, Channel.VOICE, e1), arrive(20_000, 2, Channel.VOICE, e2),
                login(30_000, ann));
        // Waited 29 s x 100 against 10 s x 300: the weighted wait of the urgent contact is longer.
        assertThat(offerOf(2).agentId).isEqualTo(ann);
        assertThat(offerOf(2).runnerUp).isEqualTo(1);
    }

    @Test
    void theEstimatedWaitComesFromHandlingTimeAndReadyAgents() {
        int q = b.queue("digid-voice", Channel.VOICE, digid);
        int e = b.entryToQueue("phone", q);
        int ann = b.agent("ann", digid, 5);
        int bob = b.agent("bob", digid, 5);
        driver.apply(config(0, b.build()), login(0, ann), arrive(1_000, 1, Channel.VOICE, e));
        assertThat(driver.sink.of(DecisionType.QUEUE_CONTACT).getLast().score).as("an idle agent: no wait").isZero();
        driver.apply(accept(1_000, 1, ann), arrive(2_000, 2, Channel.VOICE, e));
        assertThat(driver.sink.of(DecisionType.QUEUE_CONTACT).getLast().score).as("nothing handled yet: unknown").isEqualTo(-1);
        driver.apply(end(121_000, 1)); // 120 s handled; ann takes contact 2
        driver.apply(accept(121_000, 2, ann), login(122_000, bob), arrive(122_000, 3, Channel.VOICE, e), accept(122_000, 3, bob));
        driver.apply(arrive(123_000, 4, Channel.VOICE, e), arrive(124_000, 5, Channel.VOICE, e));
        // Two ready agents, both busy: position x 120 s / 2.
        assertThat(driver.sink.of(DecisionType.QUEUE_CONTACT)).extracting(d -> d.score).endsWith(1 * 120_000L / 2, 2 * 120_000L / 2);
    }

    @Test
    void aFullQueueDeflectsWithItsMessageAndASlowOneOffersACallback() {
        int full = b.prompt("queue-full");
        int q = b.queue("digid-voice", Channel.VOICE, digid);
        int slow = b.queue("slow-voice", Channel.VOICE, digid);
        b.policies(q, new Deflection(2, 0, EscalationStep.Action.CLOSE, -1, full), AgentSelection.LONGEST_IDLE, 100);
        b.policies(slow, new Deflection(0, 60_000, EscalationStep.Action.OFFER_CALLBACK, -1, -1), AgentSelection.LONGEST_IDLE, 100);
        int eFull = b.entryToQueue("full", q);
        int eSlow = b.entryToQueue("slow", slow);
        driver.apply(config(0, b.build()), arrive(1_000, 1, Channel.VOICE, eFull), arrive(2_000, 2, Channel.VOICE, eFull),
                arrive(3_000, 3, Channel.VOICE, eFull));
        assertThat(driver.sink.of(DecisionType.DEFLECT)).singleElement().satisfies(d -> {
            assertThat(d.contactId).isEqualTo(3);
            assertThat(d.reason).isEqualTo(EscalationStep.Action.CLOSE.code());
            assertThat(d.candidates).isEqualTo(2);
        });
        assertThat(driver.sink.of(DecisionType.END_CONTACT)).singleElement()
                .satisfies(d -> assertThat(d.outcome).isEqualTo(Outcome.DEFLECTED));

        driver.apply(arrive(4_000, 4, Channel.VOICE, eSlow));
        assertThat(driver.sink.of(DecisionType.DEFLECT).getLast()).as("nobody staffed: an endless wait")
                .satisfies(d -> {
                    assertThat(d.contactId).isEqualTo(4);
                    assertThat(d.reason).isEqualTo(EscalationStep.Action.OFFER_CALLBACK.code());
                    assertThat(d.score).isEqualTo(-1);
                });
        assertThat(driver.core.contactState(4)).as("a callback offer keeps the contact").isEqualTo(ContactState.WAITING);
    }

    @Test
    void anAgentWhosePhoneStopsAnsweringTakesNoCallsButKeepsItsChatsStateAndPlace() {
        int voice = b.queue("digid-voice", Channel.VOICE, digid);
        int chat = b.queue("digid-chat", Channel.CHAT, digid);
        b.policies(voice, new Deflection(0, 60_000, EscalationStep.Action.OFFER_CALLBACK, -1, -1), AgentSelection.LONGEST_IDLE, 100);
        int ePhone = b.entryToQueue("phone", voice);
        int eChat = b.entryToQueue("chat", chat);
        int ann = b.agent("ann", digid, 5);
        int bob = b.agent("bob", digid, 5);
        RoutingConfig config = b.build();
        driver.apply(config(0, config), login(0, ann), login(500, bob),
                channel(1_000, ann, Channel.VOICE, false), channel(1_000, bob, Channel.VOICE, false),
                arrive(2_000, 1, Channel.VOICE, ePhone), arrive(2_500, 2, Channel.CHAT, eChat));
        assertThat(driver.core.contactState(1)).as("nobody takes calls").isEqualTo(ContactState.WAITING);
        assertThat(driver.sink.of(DecisionType.DEFLECT)).as("ready agents with voice off staff nothing: an endless wait")
                .singleElement().satisfies(d -> assertThat(d.score).isEqualTo(-1));
        assertThat(offerOf(2).agentId).as("chats carry on").isEqualTo(ann);
        assertThat(driver.core.agentPresence(ann)).isEqualTo(AgentState.READY);
        assertThat(driver.core.agentChannelOn(ann, Channel.VOICE)).isFalse();

        driver.apply(pause(3_000, bob, PauseReason.FIRST_OPERATOR_CODE), channel(3_500, bob, Channel.VOICE, true));
        assertThat(driver.core.agentPresence(bob)).as("back on voice, still on its break").isEqualTo(AgentState.PAUSED);
        assertThat(driver.core.agentPauseReason(bob)).isEqualTo(PauseReason.FIRST_OPERATOR_CODE);
        assertThat(driver.core.contactState(1)).isEqualTo(ContactState.WAITING);

        driver.apply(accept(4_000, 2, ann), channel(5_000, ann, Channel.VOICE, true));
        assertThat(driver.core.contactState(1)).as("voice exclusive: not while ann chats").isEqualTo(ContactState.WAITING);
        driver.apply(end(6_000, 2));
        assertThat(offerOf(1).agentId).as("free again, ann takes the call that waited").isEqualTo(ann);

        driver.apply(channel(8_000, bob, Channel.CHAT, false), channel(8_000, bob, Channel.CHAT, false), channel(8_000, bob, Channel.CHAT, true));
        assertThat(driver.sink.of(DecisionType.REJECT_COMMAND)).as("setting what is set is no mistake").isEmpty();
        Command unknown = channel(8_000, 7, Channel.CHAT, true);
        Command outOfRange = channel(8_000, bob, Channel.CHAT, true);
        outOfRange.channel = Channel.COUNT;
        driver.apply(unknown, outOfRange);
        assertThat(driver.sink.of(DecisionType.REJECT_COMMAND)).extracting(d -> d.reason)
                .containsExactly(RejectReason.UNKNOWN_AGENT, RejectReason.INVALID_ARGUMENT);
        assertThat(driver.core.agentChannelOn(bob, Channel.CHAT)).isTrue();
    }

    @Test
    void aChannelSwitchedOffOutlivesSnapshotsReloadsAndLogouts() {
        int voice = b.queue("digid-voice", Channel.VOICE, digid);
        int ePhone = b.entryToQueue("phone", voice);
        int ann = b.agent("ann", digid, 5);
        driver.apply(config(0, b.build()), login(0, ann), channel(1_000, ann, Channel.VOICE, false), state(2_000, ann, AgentState.LOGGED_OUT, -1));

        org.loket.core.state.ByteArrayState state = new org.loket.core.state.ByteArrayState();
        driver.core.writeState(state);
        RoutingCore restored = RoutingCore.readState(new org.loket.core.state.ByteArrayState(state.toByteArray()), new RecordingSink());
        assertThat(restored.stateHash()).isEqualTo(driver.core.stateHash());
        assertThat(restored.agentChannelOn(ann, Channel.VOICE)).isFalse();
        assertThat(restored.agentChannelOn(ann, Channel.CHAT)).isTrue();

        ConfigBuilder moved = new ConfigBuilder();
        int skill = moved.skill("digid");
        moved.entryToQueue("phone", moved.queue("digid-voice", Channel.VOICE, skill));
        moved.agent("bob", skill, 5);
        int annNow = moved.agent("ann", skill, 5);
        driver.apply(config(3_000, moved.version(2).build()), login(4_000, annNow), arrive(5_000, 1, Channel.VOICE, ePhone));
        assertThat(driver.core.agentChannelOn(annNow, Channel.VOICE)).as("kept by name through the reload and the new login").isFalse();
        assertThat(driver.core.contactState(1)).isEqualTo(ContactState.WAITING);
        driver.apply(channel(6_000, annNow, Channel.VOICE, true));
        assertThat(offerOf(1).agentId).isEqualTo(annNow);
    }

    @Test
    void aCitizenWaitingForACallbackPassesCallbackAndCloseStepsSilently() {
        int busy = b.prompt("too-busy");
        int q = b.queue("digid-voice", Channel.VOICE, digid);
        b.steps(q, EscalationStep.offerCallback(60_000), EscalationStep.close(120_000, busy));
        int e = b.entryToQueue("phone", q);
        driver.apply(config(0, b.build()), arrive(1_000, 1, Channel.VOICE, e), callback(30_000, 1), tick(200_000));
        assertThat(driver.sink.of(DecisionType.ESCALATE)).isEmpty();
        assertThat(driver.core.contactState(1)).as("still keeps its place for the callback").isEqualTo(ContactState.WAITING);
    }

    @Test
    void aCallInterruptsDeferrableEmailWorkButWaitsForAChat() {
        int voice = b.queue("digid-voice", Channel.VOICE, digid);
        int email = b.queue("digid-email", Channel.EMAIL, digid);
        int chat = b.queue("digid-chat", Channel.CHAT, digid);
        b.deferrable(email, true);
        int eVoice = b.entryToQueue("phone", voice);
        int eEmail = b.entryToQueue("email", email);
        int eChat = b.entryToQueue("chat", chat);
        int ann = b.agent("ann", digid, 5);
        int bob = b.agent("bob", digid, 5);
        driver.apply(config(0, b.build()), login(0, ann), arrive(1_000, 1, Channel.EMAIL, eEmail), accept(1_500, 1, ann),
                arrive(2_000, 2, Channel.VOICE, eVoice));
        Decision call = offerOf(2);
        assertThat(call.agentId).as("e-mail work does not keep a call away").isEqualTo(ann);
        assertThat(call.flags & Decision.FLAG_INTERRUPTS).as("the desktop parks the e-mail").isNotZero();
        assertThat(driver.core.agentDeferrableLoad(ann)).isEqualTo(1);

        driver.apply(login(3_000, bob), arrive(4_000, 3, Channel.CHAT, eChat), accept(4_500, 3, bob),
                arrive(5_000, 4, Channel.VOICE, eVoice));
        assertThat(driver.core.contactState(4)).as("a chat is not deferrable: the call waits").isEqualTo(ContactState.WAITING);
        driver.apply(end(6_000, 3));
        assertThat(offerOf(4).agentId).isEqualTo(bob);
        assertThat(offerOf(4).flags & Decision.FLAG_INTERRUPTS).isZero();
    }

    /** Agents "busy" (id 0) and "quiet" (id 1) of a least-occupied queue: by 100 s busy has talked 80 s, quiet 10 s. */
    private int leastOccupiedQueueWhereBusyTalked80AndQuiet10Seconds() {
        int q = b.queue("digid-voice", Channel.VOICE, digid);
        b.policies(q, Deflection.NONE, AgentSelection.LEAST_OCCUPIED, 100);
        int e = b.entryToQueue("phone", q);
        int busy = b.agent("busy", digid, 5);
        int quiet = b.agent("quiet", digid, 5);
        driver.apply(config(0, b.build()), login(0, busy), arrive(0, 1, Channel.VOICE, e), accept(0, 1, busy),
                login(0, quiet), arrive(10_000, 2, Channel.VOICE, e), accept(10_000, 2, quiet), end(20_000, 2),
                end(80_000, 1));
        return e;
    }

    @Test
    void leastOccupiedSelectionSpreadsWorkOverTheShift() {
        int e = leastOccupiedQueueWhereBusyTalked80AndQuiet10Seconds();
        int busy = 0;
        int quiet = 1;
        // Longest idle would pick "quiet" (idle since 20 s) anyway; make "busy" idle longer by pausing "quiet".
        driver.apply(pause(81_000, quiet, 2), ready(90_000, quiet), arrive(100_000, 3, Channel.VOICE, e));
        Decision offer = offerOf(3);
        assertThat(offer.agentId).as("busy: 80 %% occupied, idle since 80 s; quiet: 11 %% occupied, idle since 90 s")
                .isEqualTo(quiet);
        assertThat(offer.runnerUp).isEqualTo(busy);
    }

    @Test
    void leastOccupiedCountsTheDaysLoginsTogetherAndStartsAgainWhenTheDayStarts() {
        int e = leastOccupiedQueueWhereBusyTalked80AndQuiet10Seconds();
        int busy = 0;
        int quiet = 1;
        // "busy" logs out and in again: still 80 % occupied today (80 of 100 s logged in), not a fresh start.
        driver.apply(logout(100_000, busy), login(110_000, busy), pause(111_000, quiet, 2), ready(120_000, quiet),
                arrive(121_000, 3, Channel.VOICE, e));
        assertThat(offerOf(3).agentId).as("busy idles longer (since 110 s) but is 80 %% occupied today").isEqualTo(quiet);
        driver.apply(accept(121_000, 3, quiet), end(125_000, 3));

        // Midnight: both start the day at 0 %; the one idle longest is offered.
        driver.apply(dayStarted(200_000), pause(201_000, busy, 2), ready(202_000, busy), pause(203_000, quiet, 2),
                ready(204_000, quiet), arrive(210_000, 4, Channel.VOICE, e));
        assertThat(offerOf(4).agentId).as("a new day: equal occupancy, busy idle since 202 s, quiet since 204 s").isEqualTo(busy);
    }

    @Test
    void roundRobinHandsContactsOutInRosterTurns() {
        int q = b.queue("digid-voice", Channel.VOICE, digid);
        b.policies(q, Deflection.NONE, AgentSelection.ROUND_ROBIN, 100);
        int e = b.entryToQueue("phone", q);
        int ann = b.agent("ann", digid, 5);
        int bob = b.agent("bob", digid, 5);
        int cat = b.agent("cat", digid, 5);
        // cat logs in first (idle longest); round robin still starts at the top of the roster.
        driver.apply(config(0, b.build()), login(0, cat), login(1_000, ann), login(2_000, bob),
                arrive(3_000, 1, Channel.VOICE, e), accept(3_000, 1, ann), end(4_000, 1),
                arrive(5_000, 2, Channel.VOICE, e), accept(5_000, 2, bob), end(6_000, 2),
                arrive(7_000, 3, Channel.VOICE, e), accept(7_000, 3, cat), end(8_000, 3),
                arrive(9_000, 4, Channel.VOICE, e));
        assertThat(java.util.List.of(offerOf(1).agentId, offerOf(2).agentId, offerOf(3).agentId, offerOf(4).agentId))
                .as("ann, bob, cat, then ann again").containsExactly(ann, bob, cat, ann);
        assertThat(offerOf(1).runnerUp).isEqualTo(bob);
    }

    @Test
    void aContactWaitsForItsPreferredAgentAloneForAWhile() {
        int q = b.queue("digid-email", Channel.EMAIL, digid);
        b.preferredAgentMs(q, 60_000);
        int e = b.entryToQueue("email", q);
        int ann = b.agent("ann", digid, 5);
        int bob = b.agent("bob", digid, 5);
        Command reply = arrive(1_000, 1, Channel.EMAIL, e);
        reply.agentId = ann; // ann answered the thread before
        driver.apply(config(0, b.build()), login(0, bob), login(0, ann), pause(0, ann, 2), reply);
        assertThat(driver.sink.of(DecisionType.QUEUE_CONTACT).getLast().agentId).as("it waits for ann").isEqualTo(ann);
        assertThat(driver.sink.of(DecisionType.OFFER_CONTACT)).as("bob is free but not asked").isEmpty();
        driver.apply(ready(30_000, ann));
        assertThat(offerOf(1).agentId).isEqualTo(ann);
        assertThat(offerOf(1).reason).isEqualTo(org.loket.core.decision.OfferReason.PREFERRED_AGENT);

        Command another = arrive(40_000, 2, Channel.EMAIL, e);
        another.agentId = ann;
        driver.apply(accept(31_000, 1, ann), another, tick(99_999));
        assertThat(driver.core.contactState(2)).as("ann has her one e-mail; the wait goes on").isEqualTo(ContactState.WAITING);
        driver.apply(tick(100_000));
        assertThat(driver.sink.of(DecisionType.QUEUE_CONTACT).getLast().agentId).as("now for anyone").isEqualTo(-1);
        assertThat(offerOf(2).agentId).as("after a minute whoever serves the queue may take it").isEqualTo(bob);
    }

    @Test
    void aMenusInputTimeCountsFromTheEndOfItsPrompt() {
        int q = b.queue("digid-voice", Channel.VOICE, digid);
        int menu = b.menu("main-menu", q); // input timeout 8 s, two retries
        int e = b.entryToFlow("phone", menu);
        driver.apply(config(0, b.build()), arrive(0, 1, Channel.VOICE, e), promptPlayed(6_000, 1, menu), tick(13_999));
        assertThat(driver.sink.of(DecisionType.PLAY_PROMPT)).as("a 6 s prompt: the caller gets 8 s after hearing it").hasSize(1);
        driver.apply(tick(14_000));
        assertThat(driver.sink.of(DecisionType.PLAY_PROMPT)).as("8 s after it ended").hasSize(2);
        driver.apply(promptPlayed(20_500, 1, menu + 1));
        assertThat(driver.sink.of(DecisionType.REJECT_COMMAND)).as("another node: invalid").hasSize(1);
    }
}
