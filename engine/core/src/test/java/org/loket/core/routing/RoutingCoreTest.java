package org.loket.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.loket.core.testkit.Commands.*;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.ContactState;
import org.loket.core.PauseReason;
import org.loket.core.command.Command;
import org.loket.core.config.RoutingConfig;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.core.decision.OfferReason;
import org.loket.core.decision.Outcome;
import org.loket.core.decision.RejectReason;
import org.loket.core.decision.ReleaseReason;
import org.loket.core.testkit.ConfigBuilder;
import org.loket.core.testkit.CoreDriver;

class RoutingCoreTest {
    private ConfigBuilder b;
    private int digid;
    private int app;
    private int qDigid;
    private int qApp;
    private int qChat;
    private int eDigid;
    private int eApp;
    private int eChat;
    private CoreDriver driver;

    @BeforeEach
    void setUp() {
        b = new ConfigBuilder();
        digid = b.skill("digid");
        app = b.skill("digid-app");
        qDigid = b.queue("digid-voice", Channel.VOICE, digid);
        qApp = b.queue("app-voice", Channel.VOICE, app);
        qChat = b.queue("digid-chat", Channel.CHAT, digid);
        eDigid = b.entryToQueue("digid", qDigid);
        eApp = b.entryToQueue("app", qApp);
        eChat = b.entryToQueue("chat", qChat);
        driver = new CoreDriver();
    }

    private CoreDriver start(RoutingConfig config) {
        return driver.apply(config(0, config));
    }

    private Decision lastOffer() {
        List<Decision> offers = driver.sink.of(DecisionType.OFFER_CONTACT);
        return offers.get(offers.size() - 1);
    }

    @Test
    void shouldRejectCommandsBeforeConfiguration() {
        driver.apply(login(0, 0));
        assertThat(driver.sink.of(DecisionType.REJECT_COMMAND)).singleElement()
                .satisfies(d -> assertThat(d.reason).isEqualTo(RejectReason.NO_CONFIGURATION));
    }

    @Test
    void shouldOfferToLongestIdleAgentWhenSkillsTie() {
        int ann = b.agent("ann", digid, 5);
        int bob = b.agent("bob", digid, 5);
        start(b.build()).apply(login(1_000, bob), login(2_000, ann), arrive(3_000, 1, Channel.VOICE, eDigid));
        Decision offer = lastOffer();
        assertThat(offer.agentId).isEqualTo(bob);
        assertThat(offer.contactId).isEqualTo(1);
        assertThat(offer.reason).isEqualTo(OfferReason.LONGEST_IDLE_AGENT);
        assertThat(offer.candidates).isEqualTo(2);
        assertThat(offer.score).isEqualTo(ns(1_000));
        assertThat(offer.runnerUp).isEqualTo(ann);
        assertThat(driver.core.agentState(bob)).isEqualTo(AgentState.OFFERED);
    }

    @Test
    void shouldOnlyOfferToAgentsWithTheSkillAtTheMinimumLevel() {
        b.queueOptions(qDigid, 4, 0, 0, 15_000, 0);
        int junior = b.agent("junior", digid, 3);
        int senior = b.agent("senior", digid, 4);
        start(b.build()).apply(login(1_000, junior), login(2_000, senior), arrive(3_000, 1, Channel.VOICE, eDigid));
        assertThat(lastOffer().agentId).isEqualTo(senior);
    }

    @Test
    void shouldQueueByPriorityThenArrival() {
        int ann = b.agent("ann", digid, 5);
        start(b.build()).apply(
                arrive(1_000, 1, Channel.VOICE, eDigid, 0),
                arrive(2_000, 2, Channel.VOICE, eDigid, 5),
                arrive(3_000, 3, Channel.VOICE, eDigid, 5),
                arrive(4_000, 4, Channel.VOICE, eDigid, 0));
        assertThat(driver.core.positionInQueue(2)).isEqualTo(1);
        assertThat(driver.core.positionInQueue(3)).isEqualTo(2);
        assertThat(driver.core.positionInQueue(1)).isEqualTo(3);
        driver.apply(login(5_000, ann));
        assertThat(lastOffer().contactId).isEqualTo(2);
        assertThat(lastOffer().reason).isEqualTo(OfferReason.BEST_WAITING_CONTACT);
    }

    @Test
    void shouldAgePriorityWithWaitingTime() {
        // One priority level is worth 10 s of waiting: a normal contact that waited 30 s beats a
        // priority-2 contact that just arrived.
        b.queueOptions(qDigid, 1, 0, 10_000, 15_000, 0);
        int ann = b.agent("ann", digid, 5);
        start(b.build()).apply(
                arrive(0, 1, Channel.VOICE, eDigid, 0),
                arrive(30_000, 2, Channel.VOICE, eDigid, 2),
                login(31_000, ann));
        assertThat(lastOffer().contactId).isEqualTo(1);
    }

    @Test
    void shouldChooseAcrossQueuesByEffectivePriorityThenArrival() {
        int both = b.agent("both", digid, 5, app, 5);
        start(b.build()).apply(
                arrive(1_000, 1, Channel.VOICE, eApp),
                arrive(2_000, 2, Channel.VOICE, eDigid),
                login(3_000, both));
        assertThat(lastOffer().contactId).isEqualTo(1);
        assertThat(lastOffer().candidates).isEqualTo(2);
        assertThat(lastOffer().runnerUp).isEqualTo(2);
    }

    @Test
    void shouldRedirectOnNoAnswerAndMakeTheAgentNotReady() {
        int ann = b.agent("ann", digid, 5);
        int bob = b.agent("bob", digid, 5);
        start(b.build()).apply(login(1_000, ann), login(2_000, bob), arrive(3_000, 1, Channel.VOICE, eDigid));
        assertThat(lastOffer().agentId).isEqualTo(ann);
        driver.apply(tick(3_000 + 15_000));
        assertThat(driver.sink.of(DecisionType.RETRACT_OFFER)).singleElement()
                .satisfies(d -> assertThat(d.agentId).isEqualTo(ann));
        assertThat(driver.core.agentState(ann)).isEqualTo(AgentState.PAUSED);
        assertThat(driver.core.agentPauseReason(ann)).isEqualTo(PauseReason.NO_ANSWER);
        assertThat(lastOffer().agentId).isEqualTo(bob);
        assertThat(lastOffer().contactId).isEqualTo(1);
    }

    @Test
    void shouldReturnAnUnansweredContactToItsPlace() {
        int ann = b.agent("ann", digid, 5);
        start(b.build()).apply(login(1_000, ann),
                arrive(2_000, 1, Channel.VOICE, eDigid),
                arrive(3_000, 2, Channel.VOICE, eDigid),
                arrive(4_000, 3, Channel.VOICE, eDigid),
                tick(17_000));
        assertThat(driver.core.positionInQueue(1)).isEqualTo(1);
        assertThat(driver.core.positionInQueue(2)).isEqualTo(2);
        driver.apply(ready(18_000, ann));
        assertThat(lastOffer().contactId).isEqualTo(1);
    }

    @Test
    void shouldRecordAbandonWhileWaitingAndWhileOffered() {
        int ann = b.agent("ann", digid, 5);
        start(b.build()).apply(arrive(1_000, 1, Channel.VOICE, eDigid), abandon(2_000, 1));
        driver.apply(login(3_000, ann), arrive(4_000, 2, Channel.VOICE, eDigid), abandon(5_000, 2));
        List<Decision> ends = driver.sink.of(DecisionType.END_CONTACT);
        assertThat(ends).extracting(d -> d.contactId).containsExactly(1L, 2L);
        assertThat(ends).allSatisfy(d -> assertThat(d.outcome).isEqualTo(Outcome.ABANDONED));
        assertThat(driver.sink.of(DecisionType.RETRACT_OFFER)).singleElement()
                .satisfies(d -> assertThat(d.contactId).isEqualTo(2));
        assertThat(driver.core.agentState(ann)).isEqualTo(AgentState.READY);
        assertThat(driver.core.liveContacts()).isZero();
    }

    @Test
    void shouldWrapUpAfterTheConversationAndThenTakeTheNextContact() {
        b.queueOptions(qDigid, 1, 0, 0, 15_000, 60_000);
        int ann = b.agent("ann", digid, 5);
        start(b.build()).apply(login(0, ann),
                arrive(1_000, 1, Channel.VOICE, eDigid),
                accept(2_000, 1, ann),
                arrive(3_000, 2, Channel.VOICE, eDigid));
        assertThat(driver.core.agentState(ann)).isEqualTo(AgentState.BUSY);
        driver.apply(end(100_000, 1));
        assertThat(driver.core.agentState(ann)).isEqualTo(AgentState.WRAP_UP);
        assertThat(driver.core.contactState(2)).isEqualTo(ContactState.WAITING);
        driver.apply(wrapUpDone(110_000, 1, ann));
        assertThat(lastOffer().contactId).isEqualTo(2);
        assertThat(driver.sink.of(DecisionType.END_CONTACT)).singleElement()
                .satisfies(d -> assertThat(d.outcome).isEqualTo(Outcome.ANSWERED));
    }

    @Test
    void shouldEndWrapUpOnItsOwnAfterTheQueuesMaximum() {
        b.queueOptions(qDigid, 1, 0, 0, 15_000, 60_000);
        int ann = b.agent("ann", digid, 5);
        start(b.build()).apply(login(0, ann), arrive(1_000, 1, Channel.VOICE, eDigid), accept(2_000, 1, ann),
                end(10_000, 1));
        assertThat(driver.core.nextTimerNs()).isEqualTo(ns(70_000));
        driver.apply(tick(70_000));
        assertThat(driver.core.nextTimerNs()).isEqualTo(Long.MAX_VALUE);
        assertThat(driver.core.agentState(ann)).isEqualTo(AgentState.READY);
        assertThat(driver.sink.of(DecisionType.AGENT_STATE)).singleElement().satisfies(d -> {
            assertThat(d.agentState).isEqualTo(AgentState.READY.code());
            assertThat(d.contactId).as("the contact whose wrap-up ended").isEqualTo(1);
        });
    }

    @Test
    void shouldHoldSeveralChatsWithinCapacityButVoiceExclusively() {
        int ann = b.agent("ann", digid, 5);
        start(b.build()).apply(login(0, ann));
        for (int i = 1; i <= 4; i++) {
            driver.apply(arrive(i * 1_000L, i, Channel.CHAT, eChat));
        }
        assertThat(driver.core.agentLoad(ann, Channel.CHAT)).isEqualTo(3);
        assertThat(driver.core.contactState(4)).isEqualTo(ContactState.WAITING);
        driver.apply(arrive(5_000, 5, Channel.VOICE, eDigid));
        assertThat(driver.core.contactState(5)).isEqualTo(ContactState.WAITING);
        assertThat(driver.core.agentAvailable(ann, Channel.VOICE)).isFalse();
    }

    @Test
    void shouldRunSelfServiceMenusAndRouteToTheChosenQueue() {
        int fallback = qDigid;
        int lang = b.languageMenu("welcome", fallback);
        int menu = b.menu("main-menu", fallback);
        int pinInfo = b.info("info-pin");
        int toApp = b.toQueue("to-app", qApp, -1);
        int fraud = b.toQueue("to-fraud", qDigid, 9);
        b.option(lang, 1, menu, 0).option(lang, 2, menu, 1);
        b.option(menu, 1, pinInfo).option(menu, 2, toApp).option(menu, 9, fraud);
        int entry = b.entryToFlow("phone", lang);
        int ann = b.agent("ann", app, 5);
        start(b.build()).apply(login(0, ann),
                arrive(1_000, 1, Channel.VOICE, entry),
                input(2_000, 1, 2),
                input(3_000, 1, 2));
        List<Decision> prompts = driver.sink.of(DecisionType.PLAY_PROMPT);
        assertThat(prompts).extracting(d -> d.nodeId).containsExactly(lang, menu);
        assertThat(prompts.get(1).languageId).isEqualTo(1);
        assertThat(lastOffer().queueId).isEqualTo(qApp);
        assertThat(lastOffer().agentId).isEqualTo(ann);

        driver.apply(arrive(4_000, 2, Channel.VOICE, entry), input(5_000, 2, 1), input(6_000, 2, 1));
        Decision last = driver.sink.all().get(driver.sink.all().size() - 1);
        assertThat(last.type).isEqualTo(DecisionType.END_CONTACT);
        assertThat(last.outcome).isEqualTo(Outcome.SELF_SERVED);

        driver.apply(arrive(7_000, 3, Channel.VOICE, entry), input(8_000, 3, 1), input(9_000, 3, 9));
        assertThat(driver.core.contactQueue(3)).isEqualTo(qDigid);
        assertThat(driver.sink.of(DecisionType.QUEUE_CONTACT)).last()
                .satisfies(d -> assertThat(d.priority).isEqualTo(9));
    }

    @Test
    void shouldSendAChatContactThroughTheIvrFlowToTheChatQueueOfItsLeaf() {
        int menu = b.menu("main-menu", qDigid);
        int toDigid = b.toQueue("to-digid", qDigid, -1);
        b.option(menu, 1, toDigid);
        b.queueForChannel(toDigid, Channel.CHAT, qChat).queueForChannel(menu, Channel.CHAT, qChat);
        int entry = b.entryToFlow("chat", menu);
        start(b.build()).apply(arrive(0, 1, Channel.VOICE, entry), input(1_000, 1, 1),
                arrive(2_000, 2, Channel.CHAT, entry), input(3_000, 2, 1),
                arrive(4_000, 3, Channel.CHAT, entry), input(5_000, 3, 7), tick(13_001), tick(21_002));
        assertThat(driver.core.contactQueue(1)).isEqualTo(qDigid);
        assertThat(driver.core.contactQueue(2)).isEqualTo(qChat);
        assertThat(driver.core.contactQueue(3)).as("a chat citizen lost in the menu reaches a chat agent").isEqualTo(qChat);
    }

    @Test
    void shouldOfferATransferToTheNamedAgentWhenThatAgentCanTakeIt() {
        int ann = b.agent("ann", digid, 5);
        int bob = b.agent("bob", digid, 5);
        int cas = b.agent("cas", digid, 5);
        start(b.build()).apply(login(0, ann), login(100, cas), login(200, bob),
                arrive(1_000, 1, Channel.CHAT, eChat), accept(1_100, 1, ann));
        assertThat(lastOffer().agentId).isEqualTo(ann);
        Command toBob = transfer(2_000, 1, ann, qChat);
        toBob.input = bob;
        driver.apply(toBob);
        assertThat(lastOffer().agentId).as("cas is idle longer, but ann named bob").isEqualTo(bob);
        assertThat(lastOffer().reason).isEqualTo(OfferReason.TRANSFERRED_TO_AGENT);
        driver.apply(accept(2_100, 1, bob), pause(2_200, cas, PauseReason.FIRST_OPERATOR_CODE));
        Command toCas = transfer(3_000, 1, bob, qChat);
        toCas.input = cas; // paused: the contact waits in the queue and the longest-idle agent takes it
        driver.apply(toCas);
        assertThat(lastOffer().agentId).isEqualTo(ann);
        assertThat(lastOffer().reason).isEqualTo(OfferReason.LONGEST_IDLE_AGENT);
    }

    @Test
    void shouldHandAContactThatGetsNowhereInTheMenuToAHuman() {
        int menu = b.menu("main-menu", qDigid);
        int entry = b.entryToFlow("phone", menu);
        start(b.build()).apply(arrive(0, 1, Channel.VOICE, entry),
                input(1_000, 1, 7), // invalid: retry 1
                tick(9_001),        // no input: retry 2
                tick(17_002));      // no input: over the limit
        assertThat(driver.sink.of(DecisionType.PLAY_PROMPT)).hasSize(3);
        assertThat(driver.core.contactState(1)).isEqualTo(ContactState.WAITING);
        assertThat(driver.core.contactQueue(1)).isEqualTo(qDigid);
    }

    @Test
    void shouldLetAChatCitizenTakeTheirTimeWhereTheMenusTimeoutIsTheCallersOnly() {
        int menu = b.menu("main-menu", qDigid);
        int toDigid = b.toQueue("to-digid", qDigid, -1);
        b.option(menu, 1, toDigid).queueForChannel(menu, Channel.CHAT, qChat).queueForChannel(toDigid, Channel.CHAT, qChat);
        b.inputTimeoutChannels(menu, Channel.VOICE);
        int entry = b.entryToFlow("phone", menu);
        start(b.build()).apply(arrive(0, 1, Channel.VOICE, entry), arrive(0, 2, Channel.CHAT, entry),
                tick(9_001), tick(17_002), tick(3_600_000));
        assertThat(driver.core.contactQueue(1)).as("the silent caller reaches a human").isEqualTo(qDigid);
        assertThat(driver.core.contactState(2)).as("the chat citizen is still choosing an hour later").isEqualTo(ContactState.SELF_SERVICE);
        assertThat(driver.core.nextTimerNs()).isEqualTo(Long.MAX_VALUE);
        driver.apply(promptPlayed(3_600_100, 2, menu), input(3_600_200, 2, 7));
        assertThat(driver.core.contactState(2)).as("a wrong choice asks again, without a timer").isEqualTo(ContactState.SELF_SERVICE);
        assertThat(driver.core.nextTimerNs()).isEqualTo(Long.MAX_VALUE);
        driver.apply(input(3_600_300, 2, 1));
        assertThat(driver.core.contactQueue(2)).isEqualTo(qChat);
    }

    @Test
    void shouldKeepTheCallbackContactsPlaceAndFlagTheOffer() {
        int ann = b.agent("ann", digid, 5);
        start(b.build()).apply(arrive(1_000, 1, Channel.VOICE, eDigid), arrive(2_000, 2, Channel.VOICE, eDigid),
                callback(3_000, 1), login(4_000, ann));
        assertThat(driver.sink.of(DecisionType.CALLBACK_SCHEDULED)).hasSize(1);
        assertThat(lastOffer().contactId).isEqualTo(1);
        assertThat(lastOffer().flags & Decision.FLAG_CALLBACK).isNotZero();
    }

    @Test
    void shouldTransferWithoutLosingThePlace() {
        int ann = b.agent("ann", digid, 5);
        int expert = b.agent("expert", app, 5);
        start(b.build()).apply(login(0, ann), arrive(1_000, 1, Channel.VOICE, eDigid), accept(2_000, 1, ann),
                arrive(3_000, 2, Channel.VOICE, eApp),
                transfer(4_000, 1, ann, qApp),
                login(5_000, expert));
        assertThat(driver.sink.of(DecisionType.TRANSFER_CONTACT)).hasSize(1);
        assertThat(lastOffer().contactId).isEqualTo(1);
        assertThat(lastOffer().agentId).isEqualTo(expert);
    }

    @Test
    void shouldKeepTheFirstAgentWithAWarmlyTransferredCallUntilTheNextAgentAccepts() {
        int ann = b.agent("ann", digid, 5);
        int expert = b.agent("expert", app, 5);
        start(b.build()).apply(login(0, ann), arrive(1_000, 1, Channel.VOICE, eDigid), accept(2_000, 1, ann),
                warmTransfer(3_000, 1, ann, qApp),
                arrive(4_000, 2, Channel.VOICE, eDigid));
        assertThat(driver.sink.of(DecisionType.TRANSFER_CONTACT)).singleElement()
                .satisfies(d -> assertThat(d.flags & Decision.FLAG_WARM).isNotZero());
        assertThat(driver.core.contactState(1)).isEqualTo(ContactState.WAITING);
        assertThat(driver.core.contactHolder(1)).isEqualTo(ann);
        assertThat(driver.core.agentLoad(ann, Channel.VOICE)).as("ann stays with the caller").isEqualTo(1);
        assertThat(driver.core.agentState(ann)).isEqualTo(AgentState.BUSY);
        assertThat(driver.core.contactState(2)).as("so the next caller waits").isEqualTo(ContactState.WAITING);
        driver.apply(login(5_000, expert));
        assertThat(lastOffer().agentId).isEqualTo(expert);
        assertThat(driver.sink.of(DecisionType.TRANSFER_RELEASED)).as("an offer is not yet a hand-over").isEmpty();
        driver.apply(accept(6_000, 1, expert));
        assertThat(driver.sink.of(DecisionType.TRANSFER_RELEASED)).singleElement().satisfies(d -> {
            assertThat(d.agentId).isEqualTo(ann);
            assertThat(d.contactId).isEqualTo(1);
            assertThat(d.queueId).isEqualTo(qApp);
            assertThat(d.reason).isEqualTo(ReleaseReason.ACCEPTED);
        });
        assertThat(driver.core.contactHolder(1)).isEqualTo(-1);
        assertThat(driver.core.agentLoad(ann, Channel.VOICE)).isEqualTo(1);
        assertThat(lastOffer().contactId).as("ann, free, takes the next caller").isEqualTo(2);
        assertThat(lastOffer().agentId).isEqualTo(ann);
    }

    @Test
    void shouldKeepTheFirstAgentOfAnIntroductionWithBothUntilItLeaves() {
        int ann = b.agent("ann", digid, 5);
        int expert = b.agent("expert", app, 5);
        start(b.build()).apply(login(0, ann), login(0, expert), arrive(1_000, 1, Channel.VOICE, eDigid), accept(2_000, 1, ann),
                introducingTransfer(3_000, 1, ann, qApp));
        assertThat(driver.sink.of(DecisionType.TRANSFER_CONTACT)).singleElement()
                .satisfies(d -> assertThat(d.flags & (Decision.FLAG_WARM | Decision.FLAG_INTRODUCE))
                        .isEqualTo(Decision.FLAG_WARM | Decision.FLAG_INTRODUCE));
        assertThat(lastOffer().agentId).isEqualTo(expert);
        assertThat(lastOffer().flags & Decision.FLAG_INTRODUCE).as("the expert sees it is an introduction").isNotZero();
        driver.apply(accept(4_000, 1, expert), arrive(5_000, 2, Channel.VOICE, eDigid));
        assertThat(driver.sink.of(DecisionType.TRANSFER_RELEASED)).as("ann introduces the caller").isEmpty();
        assertThat(driver.core.contactState(1)).isEqualTo(ContactState.CONNECTED);
        assertThat(driver.core.contactHolder(1)).isEqualTo(ann);
        assertThat(driver.core.agentLoad(ann, Channel.VOICE)).isEqualTo(1);
        assertThat(driver.core.contactState(2)).as("ann takes nothing new while on the three-way call").isEqualTo(ContactState.WAITING);

        driver.apply(transferLeft(6_000, 1, ann));
        assertThat(driver.sink.of(DecisionType.TRANSFER_RELEASED)).singleElement().satisfies(d -> {
            assertThat(d.agentId).isEqualTo(ann);
            assertThat(d.reason).isEqualTo(ReleaseReason.INTRODUCED);
        });
        assertThat(lastOffer().contactId).as("ann, free, takes the next caller").isEqualTo(2);
        assertThat(lastOffer().agentId).isEqualTo(ann);
        assertThat(driver.core.contactState(1)).as("the caller talks on with the expert").isEqualTo(ContactState.CONNECTED);
        assertThat(driver.core.contactHolder(1)).isEqualTo(-1);
    }

    @Test
    void shouldGiveTheCallBackToItsIntroducerWhenTheNextAgentLeavesFirst() {
        int ann = b.agent("ann", digid, 5);
        int expert = b.agent("expert", app, 5);
        int bob = b.agent("bob", app, 5);
        start(b.build()).apply(login(0, ann), login(0, expert), arrive(1_000, 1, Channel.VOICE, eDigid), accept(2_000, 1, ann),
                introducingTransfer(3_000, 1, ann, qApp), accept(4_000, 1, expert),
                arrive(5_000, 2, Channel.VOICE, eApp), transferLeft(6_000, 1, bob));
        assertThat(driver.sink.of(DecisionType.REJECT_COMMAND)).extracting(d -> d.reason)
                .as("only the two on the call may leave it").containsExactly(RejectReason.WRONG_AGENT);

        driver.apply(transferLeft(7_000, 1, expert));
        assertThat(driver.sink.of(DecisionType.TRANSFER_RELEASED)).singleElement().satisfies(d -> {
            assertThat(d.agentId).as("the expert is free of it").isEqualTo(expert);
            assertThat(d.contactId).isEqualTo(1);
            assertThat(d.queueId).as("back in ann's queue").isEqualTo(qDigid);
            assertThat(d.reason).isEqualTo(ReleaseReason.RETURNED);
        });
        assertThat(driver.core.contactState(1)).as("ann talks on with the caller").isEqualTo(ContactState.CONNECTED);
        assertThat(driver.core.contactAgent(1)).isEqualTo(ann);
        assertThat(driver.core.contactHolder(1)).isEqualTo(-1);
        assertThat(driver.core.agentLoad(ann, Channel.VOICE)).as("one call, not two").isEqualTo(1);
        assertThat(lastOffer().contactId).as("the expert, free at once, takes the next caller").isEqualTo(2);
        assertThat(lastOffer().agentId).isEqualTo(expert);

        driver.apply(transferLeft(8_000, 1, ann), transfer(9_000, 1, ann, qApp));
        assertThat(driver.sink.of(DecisionType.REJECT_COMMAND)).extracting(d -> d.reason)
                .as("ann is the call's agent now: nobody stays to leave, and she may pass it on again")
                .containsExactly(RejectReason.WRONG_AGENT, RejectReason.ILLEGAL_TRANSITION);
        assertThat(driver.sink.of(DecisionType.TRANSFER_CONTACT)).hasSize(2).last()
                .satisfies(d -> assertThat(d.agentId).isEqualTo(ann));
        assertThat(driver.core.agentLoad(ann, Channel.VOICE)).isZero();
        assertThat(driver.core.contactState(1)).as("the expert is busy: the caller waits").isEqualTo(ContactState.WAITING);
    }

    /**
     * An introduction the next agent leaves did not happen, as far as queues go: the call is back in
     * the queue it was transferred out of, so its end is booked there and that queue's wrap-up limit
     * applies (30 s for digid-voice, not app-voice's 120 s).
     */
    @Test
    void shouldPutAReturnedIntroductionBackInTheIntroducersQueue() {
        b.queueOptions(qDigid, 1, 0, 0, 15_000, 30_000);
        b.queueOptions(qApp, 1, 0, 0, 15_000, 120_000);
        int ann = b.agent("ann", digid, 5);
        int expert = b.agent("expert", app, 5);
        start(b.build()).apply(login(0, ann), login(0, expert), arrive(1_000, 1, Channel.VOICE, eDigid), accept(2_000, 1, ann),
                introducingTransfer(3_000, 1, ann, qApp), accept(4_000, 1, expert));
        assertThat(driver.core.contactQueue(1)).as("the expert talks in app-voice").isEqualTo(qApp);
        assertThat(driver.core.contactHolderQueue(1)).as("where it came from, while ann stays").isEqualTo(qDigid);

        driver.apply(transferLeft(5_000, 1, expert));
        assertThat(driver.sink.of(DecisionType.TRANSFER_RELEASED)).singleElement().satisfies(d -> {
            assertThat(d.reason).isEqualTo(ReleaseReason.RETURNED);
            assertThat(d.agentId).isEqualTo(expert);
            assertThat(d.queueId).as("the queue the call is in now: ann's").isEqualTo(qDigid);
        });
        assertThat(driver.core.contactQueue(1)).isEqualTo(qDigid);
        assertThat(driver.core.contactHolderQueue(1)).isEqualTo(-1);

        driver.apply(end(6_000, 1));
        assertThat(driver.sink.of(DecisionType.END_CONTACT)).singleElement().satisfies(d -> {
            assertThat(d.queueId).as("booked in digid-voice").isEqualTo(qDigid);
            assertThat(d.agentId).isEqualTo(ann);
            assertThat(d.outcome).isEqualTo(Outcome.ANSWERED);
        });
        driver.apply(tick(35_999));
        assertThat(driver.core.contactState(1)).as("wrap-up within digid-voice's 30 s").isEqualTo(ContactState.WRAP_UP);
        driver.apply(tick(36_000));
        assertThat(driver.core.contactState(1)).as("ended at digid-voice's limit, not app-voice's").isEqualTo(ContactState.NONE);
        assertThat(driver.sink.of(DecisionType.AGENT_STATE)).last().satisfies(d -> {
            assertThat(d.agentId).isEqualTo(ann);
            assertThat(d.contactId).isEqualTo(1);
            assertThat(d.timestampNs).isEqualTo(ns(36_000));
        });
    }

    /**
     * The queue an introduction returns to is live state: a snapshot keeps it and a reload moves it by
     * name. Where it cannot go back (a snapshot of format 13, before the queue was kept; a reload
     * without that queue) the call stays in the queue it is in, the rule before.
     */
    @Test
    void shouldKeepTheQueueAnIntroductionReturnsToThroughSnapshotsAndReloads() {
        int ann = b.agent("ann", digid, 5);
        int expert = b.agent("expert", app, 5);
        start(b.build()).apply(login(0, ann), login(0, expert), arrive(1_000, 1, Channel.VOICE, eDigid), accept(2_000, 1, ann),
                introducingTransfer(3_000, 1, ann, qApp), accept(4_000, 1, expert));

        org.loket.core.state.ByteArrayState state = new org.loket.core.state.ByteArrayState();
        driver.core.writeState(state);
        org.loket.core.testkit.RecordingSink restoredSink = new org.loket.core.testkit.RecordingSink();
        RoutingCore restored = RoutingCore.readState(new org.loket.core.state.ByteArrayState(state.toByteArray()), restoredSink);
        assertThat(restored.stateHash()).isEqualTo(driver.core.stateHash());
        assertThat(restored.contactHolderQueue(1)).isEqualTo(qDigid);
        Command left = transferLeft(5_000, 1, expert);
        left.sequence = 100;
        restored.apply(left);
        assertThat(restoredSink.of(DecisionType.TRANSFER_RELEASED)).singleElement()
                .satisfies(d -> assertThat(d.queueId).isEqualTo(qDigid));

        RoutingCore older = RoutingCore.readState(new org.loket.core.state.ByteArrayState(format13(driver.core)), new org.loket.core.testkit.RecordingSink());
        assertThat(older.contactHolder(1)).isEqualTo(ann);
        assertThat(older.contactHolderQueue(1)).as("not in format 13: the queue it is in").isEqualTo(qApp);

        ConfigBuilder reordered = new ConfigBuilder();
        int skill = reordered.skill("digid");
        int appSkill = reordered.skill("digid-app");
        int newApp = reordered.queue("app-voice", Channel.VOICE, appSkill);
        reordered.queue("digid-chat", Channel.CHAT, skill);
        int newDigid = reordered.queue("digid-voice", Channel.VOICE, skill);
        reordered.entryToQueue("digid", newDigid);
        reordered.agent("ann", skill, 5);
        reordered.agent("expert", appSkill, 5);
        driver.apply(config(4_500, reordered.version(2).build()));
        assertThat(driver.core.config().version()).isEqualTo(2);
        assertThat(driver.core.contactQueue(1)).isEqualTo(newApp);
        assertThat(driver.core.contactHolderQueue(1)).as("moved by name").isEqualTo(newDigid);

        ConfigBuilder without = new ConfigBuilder();
        skill = without.skill("digid");
        appSkill = without.skill("digid-app");
        without.entryToQueue("app", without.queue("app-voice", Channel.VOICE, appSkill));
        without.agent("ann", skill, 5);
        without.agent("expert", appSkill, 5);
        RoutingConfig withoutDigid = without.version(3).build();
        assertThat(driver.core.reloadBlocker(withoutDigid)).as("a possible return is no reason to refuse").isNull();
        driver.apply(config(4_600, withoutDigid));
        assertThat(driver.core.config().version()).isEqualTo(3);
        assertThat(driver.core.contactHolderQueue(1)).as("nowhere to go back to").isZero();
        driver.apply(transferLeft(5_000, 1, expert));
        assertThat(driver.sink.of(DecisionType.TRANSFER_RELEASED)).singleElement()
                .satisfies(d -> assertThat(d.queueId).as("stays in app-voice").isZero());
        assertThat(driver.sink.of(DecisionType.REJECT_COMMAND)).isEmpty();
    }

    /**
     * The core's state as format 13 wrote it: the same values without the queue a warm transfer came
     * from (the int after a live contact's holder). Holds one live contact, id 1.
     */
    private static byte[] format13(RoutingCore core) {
        List<Object> values = new java.util.ArrayList<>();
        core.writeState(new org.loket.core.state.StateWriter() {
            @Override
            public void writeInt(int value) {
                values.add(value);
            }

            @Override
            public void writeLong(long value) {
                values.add(value);
            }

            @Override
            public void writeBytes(byte[] bytes) {
                values.add(bytes);
            }
        });
        values.set(0, 13);
        values.subList(values.size() - core.agentCount(), values.size()).clear(); // format 15's channels switched off
        // A contact: state, id (long), channel, queue, lane, tier, step, entered (long), connected (long),
        // preferred, reserved, holder, then the holder's queue.
        int id = -1;
        for (int i = 1; i < values.size(); i++) {
            if (Long.valueOf(1).equals(values.get(i)) && Integer.valueOf(ContactState.CONNECTED.code()).equals(values.get(i - 1))) {
                id = i;
            }
        }
        assertThat(id).as("contact 1's record").isPositive();
        values.remove(id + 11);
        org.loket.core.state.ByteArrayState out = new org.loket.core.state.ByteArrayState();
        for (Object value : values) {
            switch (value) {
                case Integer i -> out.writeInt(i);
                case Long l -> out.writeLong(l);
                case null, default -> out.writeBytes((byte[]) value);
            }
        }
        return out.toByteArray();
    }

    @Test
    void shouldReleaseTheIntroducerWhenTheCallEndsOrIsPassedOn() {
        int ann = b.agent("ann", digid, 5);
        int bob = b.agent("bob", digid, 5);
        int expert = b.agent("expert", app, 5);
        start(b.build()).apply(login(0, ann), login(0, bob), login(0, expert),
                arrive(1_000, 1, Channel.VOICE, eDigid), accept(1_500, 1, ann),
                arrive(2_000, 2, Channel.VOICE, eDigid), accept(2_500, 2, bob),
                introducingTransfer(3_000, 1, ann, qApp), accept(3_500, 1, expert),
                end(4_000, 1),
                introducingTransfer(5_000, 2, bob, qApp), accept(5_500, 2, expert),
                transfer(6_000, 2, expert, qDigid));
        assertThat(driver.sink.of(DecisionType.TRANSFER_RELEASED)).extracting(d -> d.agentId + ":" + ReleaseReason.name(d.reason))
                .containsExactly(ann + ":CONTACT_ENDED", bob + ":INTRODUCED");
        assertThat(driver.sink.of(DecisionType.REJECT_COMMAND)).isEmpty();
        assertThat(driver.core.agentLoad(expert, Channel.VOICE)).isZero();
        assertThat(driver.core.contactHolder(2)).as("a cold transfer onward: nobody stays").isEqualTo(-1);
        assertThat(lastOffer().contactId).as("back in a digid queue, for a digid agent").isEqualTo(2);
        assertThat(lastOffer().agentId).isIn(ann, bob);
    }

    @Test
    void shouldFreeTheFirstAgentOfAWarmTransferWhenTheCitizenLeavesOrTheAgentLetsGo() {
        int ann = b.agent("ann", digid, 5);
        int bob = b.agent("bob", digid, 5);
        start(b.build()).apply(login(0, ann), login(0, bob), arrive(1_000, 1, Channel.VOICE, eDigid), accept(1_500, 1, ann),
                arrive(2_000, 2, Channel.VOICE, eDigid), accept(2_500, 2, bob),
                warmTransfer(3_000, 1, ann, qApp), warmTransfer(3_000, 2, bob, qApp),
                transferLeft(4_000, 1, bob), transferLeft(4_000, 1, ann), abandon(5_000, 2), transferLeft(6_000, 2, bob));
        assertThat(driver.sink.of(DecisionType.TRANSFER_RELEASED)).extracting(d -> d.agentId + ":" + ReleaseReason.name(d.reason))
                .containsExactly(ann + ":LEFT", bob + ":CONTACT_ENDED");
        assertThat(driver.sink.of(DecisionType.REJECT_COMMAND)).extracting(d -> d.reason)
                .as("only the agent who stays may leave, and only while it stays")
                .containsExactly(RejectReason.WRONG_AGENT, RejectReason.UNKNOWN_CONTACT);
        assertThat(driver.core.contactState(1)).as("the caller waits on alone, in place").isEqualTo(ContactState.WAITING);
        assertThat(driver.core.agentLoad(ann, Channel.VOICE)).isZero();
        assertThat(driver.core.agentLoad(bob, Channel.VOICE)).isZero();
        assertThat(driver.core.agentState(ann)).isEqualTo(AgentState.READY);
    }

    @Test
    void shouldRefuseAWarmTransferOutOfOrIntoAQueueOfWorkItems() {
        int ann = b.agent("ann", digid, 5);
        int mail = b.queue("digid-mail", Channel.EMAIL, digid);
        int moreMail = b.queue("app-mail", Channel.EMAIL, app);
        b.deferrable(mail, true);
        int eMail = b.entryToQueue("mail", mail);
        start(b.build()).apply(login(0, ann), arrive(1_000, 1, Channel.EMAIL, eMail), accept(2_000, 1, ann),
                warmTransfer(3_000, 1, ann, moreMail), transfer(4_000, 1, ann, moreMail));
        assertThat(driver.sink.of(DecisionType.REJECT_COMMAND)).extracting(d -> d.reason).containsExactly(RejectReason.INVALID_ARGUMENT);
        assertThat(driver.sink.of(DecisionType.TRANSFER_CONTACT)).as("a cold transfer of the e-mail goes").singleElement()
                .satisfies(d -> assertThat(d.flags & Decision.FLAG_WARM).isZero());
        assertThat(driver.core.contactHolder(1)).isEqualTo(-1);
    }

    @Test
    void shouldRefuseATransferIntoAQueueOfAnotherChannelAndKeepTheContactWithItsAgent() {
        int ann = b.agent("ann", digid, 5);
        start(b.build()).apply(login(0, ann), arrive(1_000, 1, Channel.VOICE, eDigid), accept(2_000, 1, ann),
                transfer(3_000, 1, ann, qChat));
        assertThat(driver.sink.of(DecisionType.TRANSFER_CONTACT)).isEmpty();
        assertThat(driver.sink.of(DecisionType.REJECT_COMMAND)).extracting(d -> d.reason).containsExactly(RejectReason.WRONG_CHANNEL);
        assertThat(driver.core.contactState(1)).as("the call goes on with ann").isEqualTo(ContactState.CONNECTED);
        assertThat(RejectReason.name(RejectReason.WRONG_CHANNEL)).isEqualTo("WRONG_CHANNEL");
    }

    @Test
    void shouldRejectBadCommandsWithAReason() {
        int ann = b.agent("ann", digid, 5);
        start(b.build()).apply(
                login(0, 99),
                accept(1_000, 42, ann),
                arrive(2_000, 1, Channel.VOICE, 77),
                arrive(3_000, 2, Channel.VOICE, eDigid),
                arrive(3_500, 2, Channel.VOICE, eDigid),
                end(4_000, 2),
                login(5_000, ann),
                accept(6_000, 2, ann + 1),
                logout(7_000, ann),
                login(8_000, ann));
        assertThat(driver.sink.of(DecisionType.REJECT_COMMAND)).extracting(d -> d.reason).containsExactly(
                RejectReason.UNKNOWN_AGENT, RejectReason.UNKNOWN_CONTACT, RejectReason.UNKNOWN_ENTRY,
                RejectReason.DUPLICATE_CONTACT, RejectReason.ILLEGAL_TRANSITION, RejectReason.WRONG_AGENT,
                RejectReason.ILLEGAL_TRANSITION);
        assertThat(driver.core.rejected(RejectReason.ILLEGAL_TRANSITION)).isEqualTo(2);
    }

    @Test
    void shouldLogOutAnAgentWhoHoldsAContactOnceItIsDoneAndOfferItNothingMeanwhile() {
        b.queueOptions(qDigid, 1, 0, 0, 15_000, 30_000);
        int ann = b.agent("ann", digid, 5);
        int bob = b.agent("bob", digid, 5);
        start(b.build()).apply(login(0, ann), arrive(1_000, 1, Channel.VOICE, eDigid), accept(2_000, 1, ann), login(2_500, bob),
                logout(3_000, ann));
        assertThat(driver.sink.of(DecisionType.REJECT_COMMAND)).as("a logout with a contact is not refused").isEmpty();
        assertThat(driver.sink.of(DecisionType.AGENT_STATE)).singleElement().satisfies(d -> {
            assertThat(d.agentId).isEqualTo(ann);
            assertThat(d.agentState).isEqualTo(AgentState.PAUSED.code());
            assertThat(d.reason).isEqualTo(PauseReason.LOGOUT_PENDING);
        });
        driver.apply(arrive(4_000, 2, Channel.VOICE, eDigid));
        assertThat(lastOffer().agentId).as("the next call goes to bob").isEqualTo(bob);
        driver.apply(end(5_000, 1));
        assertThat(driver.core.agentPresence(ann)).as("in wrap-up: still there").isEqualTo(AgentState.PAUSED);
        driver.apply(wrapUpDone(6_000, 1, ann));
        assertThat(driver.core.agentPresence(ann)).isEqualTo(AgentState.LOGGED_OUT);
        assertThat(driver.sink.of(DecisionType.AGENT_STATE)).last().satisfies(d -> {
            assertThat(d.agentId).isEqualTo(ann);
            assertThat(d.agentState).isEqualTo(AgentState.LOGGED_OUT.code());
            assertThat(d.contactId).isEqualTo(-1);
        });
        assertThat(driver.core.rejected(RejectReason.AGENT_HAS_CONTACTS)).isZero();
    }

    @Test
    void shouldCancelAPendingLogoutWhenTheAgentGoesReadyAgain() {
        b.queueOptions(qDigid, 1, 0, 0, 15_000, 30_000);
        int ann = b.agent("ann", digid, 5);
        start(b.build()).apply(login(0, ann), arrive(1_000, 1, Channel.VOICE, eDigid), accept(2_000, 1, ann), logout(3_000, ann),
                ready(4_000, ann), end(5_000, 1), wrapUpDone(6_000, 1, ann), arrive(7_000, 2, Channel.VOICE, eDigid));
        assertThat(driver.sink.of(DecisionType.AGENT_STATE)).as("only the pending logout was said").singleElement();
        assertThat(driver.sink.of(DecisionType.REJECT_COMMAND)).isEmpty();
        assertThat(driver.core.agentPresence(ann)).isEqualTo(AgentState.READY);
        assertThat(lastOffer().contactId).isEqualTo(2);
    }

    @Test
    void shouldLogOutAnAgentWhoseLogoutWaitedForAnOfferThatRangOut() {
        int ann = b.agent("ann", digid, 5);
        int bob = b.agent("bob", digid, 5);
        start(b.build()).apply(login(0, ann), arrive(1_000, 1, Channel.VOICE, eDigid), logout(2_000, ann), login(2_500, bob),
                tick(1_000 + 15_000));
        assertThat(driver.sink.of(DecisionType.AGENT_STATE)).extracting(d -> d.agentState, d -> d.reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple(AgentState.PAUSED.code(), PauseReason.LOGOUT_PENDING),
                org.assertj.core.groups.Tuple.tuple(AgentState.LOGGED_OUT.code(), PauseReason.UNSPECIFIED));
        assertThat(driver.core.agentPresence(ann)).as("logged out, not paused for not answering").isEqualTo(AgentState.LOGGED_OUT);
        assertThat(lastOffer().agentId).as("the call goes to bob").isEqualTo(bob);
    }

    /**
     * A logout's reason ({@link Command#PHONE_UNREACHABLE} from a phone that stopped answering) is
     * journaled for the desktop and audits only: the same tape with and without it, a plain logout
     * and one that waits for the agent's call, gives the same decisions and the same state.
     */
    @Test
    void shouldIgnoreALogoutsReason() {
        b.queueOptions(qDigid, 1, 0, 0, 15_000, 30_000);
        int ann = b.agent("ann", digid, 5);
        int bob = b.agent("bob", digid, 5);
        RoutingConfig config = b.build();
        long[] hashes = new long[4];
        for (int reason : new int[] {Command.NONE, Command.PHONE_UNREACHABLE}) {
            CoreDriver d = new CoreDriver().apply(config(0, config), login(0, ann), login(500, bob),
                    state(1_000, bob, AgentState.LOGGED_OUT, reason), arrive(2_000, 1, Channel.VOICE, eDigid), accept(3_000, 1, ann),
                    state(4_000, ann, AgentState.LOGGED_OUT, reason), end(5_000, 1), wrapUpDone(6_000, 1, ann), login(7_000, bob));
            assertThat(d.core.agentPresence(ann)).isEqualTo(AgentState.LOGGED_OUT);
            assertThat(d.sink.of(DecisionType.AGENT_STATE)).extracting(x -> x.reason)
                    .containsExactly(PauseReason.LOGOUT_PENDING, PauseReason.UNSPECIFIED);
            hashes[reason == Command.NONE ? 0 : 2] = d.sink.hash();
            hashes[reason == Command.NONE ? 1 : 3] = d.core.stateHash();
        }
        assertThat(hashes[2]).as("decisions").isEqualTo(hashes[0]);
        assertThat(hashes[3]).as("state").isEqualTo(hashes[1]);
    }

    @Test
    void shouldRejectContactsBeyondCapacityWithARecordedOutcome() {
        b.maxLiveContacts(2);
        start(b.build()).apply(arrive(0, 1, Channel.VOICE, eDigid), arrive(1, 2, Channel.VOICE, eDigid),
                arrive(2, 3, Channel.VOICE, eDigid));
        assertThat(driver.sink.of(DecisionType.REJECT_COMMAND)).singleElement().satisfies(d -> {
            assertThat(d.reason).isEqualTo(RejectReason.CONTACT_CAPACITY_EXCEEDED);
            assertThat(d.contactId).isEqualTo(3);
        });
    }

    @Test
    void shouldNeverLetTimeGoBack() {
        int ann = b.agent("ann", digid, 5);
        start(b.build()).apply(login(10_000, ann), arrive(5_000, 1, Channel.VOICE, eDigid));
        assertThat(driver.core.nowNs()).isEqualTo(ns(10_000));
        assertThat(lastOffer().timestampNs).isEqualTo(ns(10_000));
    }

    @Test
    void shouldReloadDuringTrafficKeepingEveryContactAndApplyingTheNewRules() {
        int ann = b.agent("ann", digid, 2);
        int closed = b.prompt("closed");
        RoutingConfig first = b.build();
        start(first).apply(login(0, ann), arrive(1_000, 1, Channel.VOICE, eDigid), accept(1_500, 1, ann),
                arrive(2_000, 2, Channel.VOICE, eApp), closure(2_500, qChat, closed));
        b.queueOptions(qApp, 1, 0, 0, 15_000, 0);
        int bob = b.agent("bob", app, 3);
        driver.sink.drain();
        driver.apply(config(3_000, b.version(2).build()));
        assertThat(driver.sink.of(DecisionType.CONFIGURATION_APPLIED)).singleElement()
                .satisfies(d -> assertThat(d.score).isEqualTo(2));
        assertThat(driver.core.config().version()).isEqualTo(2);
        assertThat(driver.core.contactState(1)).as("the call in progress goes on").isEqualTo(ContactState.CONNECTED);
        assertThat(driver.core.contactAgent(1)).isEqualTo(ann);
        assertThat(driver.core.contactState(2)).isEqualTo(ContactState.WAITING);
        assertThat(driver.core.queueClosurePrompt(qChat)).as("closures stay").isEqualTo(closed);
        driver.apply(login(4_000, bob));
        assertThat(lastOffer().contactId).as("the new agent serves the waiting contact").isEqualTo(2);
        driver.apply(end(5_000, 1));
        assertThat(driver.core.agentState(ann)).isEqualTo(AgentState.READY);
    }

    @Test
    void shouldRefuseAReloadThatHasNoPlaceForSomethingLive() {
        int ann = b.agent("ann", digid, 5);
        RoutingConfig first = b.build();
        start(first).apply(login(0, ann), arrive(1_000, 1, Channel.VOICE, eApp));
        ConfigBuilder without = new ConfigBuilder();
        int skill = without.skill("digid");
        int q = without.queue("digid-voice", Channel.VOICE, skill);
        without.entryToQueue("digid", q);
        without.agent("ann", skill, 5);
        RoutingConfig second = without.version(2).build();
        assertThat(driver.core.reloadBlocker(second)).contains("queue 'app-voice' holds live contacts");
        driver.apply(config(2_000, second));
        assertThat(driver.sink.of(DecisionType.REJECT_COMMAND)).singleElement()
                .satisfies(d -> assertThat(d.reason).isEqualTo(RejectReason.CONFIGURATION_IN_FLIGHT));
        assertThat(driver.core.config().version()).isEqualTo(1);
        driver.apply(abandon(3_000, 1));
        assertThat(driver.core.reloadBlocker(second)).isNull();
        driver.apply(config(4_000, second));
        assertThat(driver.core.config().version()).isEqualTo(2);
        assertThat(driver.core.agentState(0)).as("ann stays logged in").isEqualTo(AgentState.READY);
    }

    /**
     * An agent's first 32 memberships live in its row, further ones in a shared array: an agent
     * serving 40 queues must be found idle, and find waiting contacts, in the last of them as in
     * the first, before and after a snapshot.
     */
    @Test
    void shouldRouteAgentsServingMoreLanesThanTheirRowHolds() {
        int[] entry = new int[40];
        for (int q = 0; q < entry.length; q++) {
            entry[q] = b.entryToQueue("many-" + q, b.queue("many-" + q, Channel.VOICE, app));
        }
        int ann = b.agent("ann", app, 5);
        start(b.build()).apply(arrive(1_000, 1, Channel.VOICE, entry[38]), arrive(2_000, 2, Channel.VOICE, entry[2]),
                login(3_000, ann));
        assertThat(lastOffer().contactId).as("the longest waiting, in the agent's 39th lane").isEqualTo(1);
        assertThat(lastOffer().candidates).as("queues with work the agent serves").isEqualTo(2);
        driver.apply(accept(4_000, 1, ann), end(5_000, 1));
        assertThat(lastOffer().contactId).as("then the other").isEqualTo(2);
        driver.apply(accept(6_000, 2, ann), end(7_000, 2));

        org.loket.core.state.ByteArrayState state = new org.loket.core.state.ByteArrayState();
        driver.core.writeState(state);
        org.loket.core.testkit.RecordingSink restoredSink = new org.loket.core.testkit.RecordingSink();
        RoutingCore restored = RoutingCore.readState(new org.loket.core.state.ByteArrayState(state.toByteArray()), restoredSink);
        assertThat(restored.stateHash()).isEqualTo(driver.core.stateHash());
        Command last = arrive(8_000, 3, Channel.VOICE, entry[39]);
        last.sequence = 100;
        restored.apply(last);
        assertThat(restoredSink.of(DecisionType.OFFER_CONTACT)).as("idle in its 40th lane after the restore").singleElement()
                .satisfies(d -> {
                    assertThat(d.agentId).isEqualTo(ann);
                    assertThat(d.reason).isEqualTo(OfferReason.LONGEST_IDLE_AGENT);
                });
    }

    @Test
    void shouldRestoreFromStateToTheSameHashAndBehaviour() {
        b.queueOptions(qDigid, 1, 0, 10_000, 15_000, 30_000);
        int ann = b.agent("ann", digid, 5);
        int bob = b.agent("bob", digid, 5, app, 5);
        start(b.build()).apply(login(0, ann), login(1, bob),
                arrive(1_000, 1, Channel.VOICE, eDigid), arrive(2_000, 2, Channel.VOICE, eDigid),
                arrive(3_000, 3, Channel.VOICE, eApp, 3), accept(4_000, 1, ann));
        org.loket.core.state.ByteArrayState state = new org.loket.core.state.ByteArrayState();
        driver.core.writeState(state);
        org.loket.core.testkit.RecordingSink restoredSink = new org.loket.core.testkit.RecordingSink();
        RoutingCore restored = RoutingCore.readState(new org.loket.core.state.ByteArrayState(state.toByteArray()), restoredSink);
        assertThat(restored.stateHash()).isEqualTo(driver.core.stateHash());

        var tail = List.of(tick(30_000), end(40_000, 1), ready(41_000, bob), tick(100_000));
        long seq = 100;
        for (var c : tail) {
            c.sequence = ++seq;
            restored.apply(c);
        }
        seq = 100;
        driver.sink.drain();
        for (var c : List.of(tick(30_000), end(40_000, 1), ready(41_000, bob), tick(100_000))) {
            c.sequence = ++seq;
            driver.core.apply(c);
        }
        assertThat(restoredSink.all()).isNotEmpty();
        assertThat(restoredSink.all()).map(Decision::toString)
                .containsExactlyElementsOf(driver.sink.drain().stream().map(Decision::toString).toList());
        assertThat(restored.stateHash()).isEqualTo(driver.core.stateHash());
    }

    @Test
    void shouldListTheLiveContacts() {
        int ann = b.agent("ann", digid, 5);
        start(b.build()).apply(login(0, ann), arrive(1_000, 7, Channel.VOICE, eDigid), arrive(2_000, 8, Channel.VOICE, eDigid),
                abandon(3_000, 8));
        long[] ids = new long[4];
        assertThat(driver.core.liveContactIds(ids)).isEqualTo(1);
        assertThat(ids[0]).isEqualTo(7);
        assertThat(driver.core.liveContactIds(new long[0])).as("bounded by the array").isZero();
    }

    @Test
    void shouldEndNewContactsOfAClosedQueueWithItsMessageAndKeepThoseWaiting() {
        int closed = b.prompt("closed-today");
        start(b.build()).apply(arrive(1_000, 1, Channel.VOICE, eDigid), closure(2_000, qDigid, closed),
                arrive(3_000, 2, Channel.VOICE, eDigid));
        assertThat(driver.core.contactState(1)).as("already waiting: keeps its place").isEqualTo(ContactState.WAITING);
        assertThat(driver.core.contactState(2)).isEqualTo(ContactState.NONE);
        assertThat(driver.sink.of(DecisionType.PLAY_PROMPT)).singleElement().satisfies(d -> {
            assertThat(d.contactId).isEqualTo(2);
            assertThat(d.promptId).isEqualTo(closed);
            assertThat(d.flags & Decision.FLAG_FINAL).isNotZero();
        });
        assertThat(driver.sink.of(DecisionType.END_CONTACT)).singleElement()
                .satisfies(d -> assertThat(d.outcome).isEqualTo(Outcome.CLOSED));

        driver.apply(closure(4_000, -1, -1), arrive(5_000, 3, Channel.VOICE, eDigid));
        assertThat(driver.core.contactState(3)).as("opened again").isEqualTo(ContactState.WAITING);
        driver.apply(closure(6_000, 99, closed));
        assertThat(driver.sink.of(DecisionType.REJECT_COMMAND)).singleElement()
                .satisfies(d -> assertThat(d.reason).isEqualTo(RejectReason.INVALID_ARGUMENT));
    }

    @Test
    void shouldKeepBusinessHoursApartFromAnEmergencyClosure() {
        int evening = b.prompt("closed-evening");
        int outage = b.prompt("outage");
        start(b.build()).apply(hours(1_000, -1, evening), arrive(2_000, 1, Channel.VOICE, eDigid));
        assertThat(driver.sink.of(DecisionType.END_CONTACT)).singleElement()
                .satisfies(d -> assertThat(d.outcome).isEqualTo(Outcome.OUTSIDE_HOURS));
        assertThat(driver.sink.of(DecisionType.PLAY_PROMPT)).singleElement()
                .satisfies(d -> assertThat(d.promptId).isEqualTo(evening));

        driver.sink.drain();
        driver.apply(closure(3_000, qDigid, outage), arrive(4_000, 2, Channel.VOICE, eDigid));
        assertThat(driver.sink.of(DecisionType.END_CONTACT)).as("the emergency wins while both are set").singleElement()
                .satisfies(d -> assertThat(d.outcome).isEqualTo(Outcome.CLOSED));

        driver.sink.drain();
        driver.apply(hours(5_000, -1, -1), arrive(6_000, 3, Channel.VOICE, eDigid));
        assertThat(driver.core.contactState(3)).as("opening hours do not lift the emergency").isEqualTo(ContactState.NONE);
        driver.apply(closure(7_000, -1, -1), arrive(8_000, 4, Channel.VOICE, eDigid));
        assertThat(driver.core.contactState(4)).isEqualTo(ContactState.WAITING);
    }

    @Test
    void shouldAnnounceToArrivingCallsAndChatsWhileTheAnnouncementIsSetAndKeepItOverAReloadAndARestore() {
        int outage = b.prompt("outage");
        int qMail = b.queue("mail", Channel.EMAIL, digid);
        int eMail = b.entryToQueue("mail", qMail);
        start(b.build()).apply(announcement(1_000, outage), arrive(2_000, 1, Channel.VOICE, eDigid),
                arrive(2_100, 2, Channel.CHAT, eChat), arrive(2_200, 3, Channel.EMAIL, eMail));
        List<Decision> first = driver.sink.drain();
        assertThat(first).filteredOn(d -> d.contactId == 1).extracting(d -> d.type).as("the announcement comes first")
                .containsExactly(DecisionType.ANNOUNCE, DecisionType.QUEUE_CONTACT);
        assertThat(first).filteredOn(d -> d.type == DecisionType.ANNOUNCE).extracting(d -> d.contactId)
                .as("calls and chats, not work items").containsExactly(1L, 2L);
        assertThat(first).filteredOn(d -> d.type == DecisionType.ANNOUNCE).allSatisfy(d -> assertThat(d.promptId).isEqualTo(outage));

        b.prompt("something-new"); // the reload moves every prompt id after the new one's
        RoutingConfig second = b.version(2).build();
        driver.apply(config(3_000, second), arrive(4_000, 4, Channel.VOICE, eDigid));
        int moved = second.prompts().indexOf("outage");
        assertThat(driver.core.announcementPrompt()).as("kept by name").isEqualTo(moved);
        assertThat(driver.sink.of(DecisionType.ANNOUNCE)).singleElement().satisfies(d -> assertThat(d.contactId).isEqualTo(4));

        org.loket.core.state.ByteArrayState state = new org.loket.core.state.ByteArrayState();
        driver.core.writeState(state);
        RoutingCore restored = RoutingCore.readState(new org.loket.core.state.ByteArrayState(state.toByteArray()),
                new org.loket.core.testkit.RecordingSink());
        assertThat(restored.announcementPrompt()).as("a restart keeps it").isEqualTo(moved);
        assertThat(restored.stateHash()).isEqualTo(driver.core.stateHash());

        RoutingConfig withoutOutage = new RoutingConfig(3, second.skills(), second.languages(), List.of("something-new"),
                second.queues(), second.agents(), second.entries(), second.flowNodes(), second.maxLiveContacts(),
                second.pauseReasons(), second.wrapUpCodes());
        assertThat(driver.core.reloadBlocker(withoutOutage)).contains("service announcement", "'outage'");
        driver.sink.drain();
        driver.apply(announcement(5_000, 99));
        assertThat(driver.sink.of(DecisionType.REJECT_COMMAND)).singleElement()
                .satisfies(d -> assertThat(d.reason).isEqualTo(RejectReason.INVALID_ARGUMENT));
        driver.apply(announcement(6_000, -1), arrive(7_000, 5, Channel.VOICE, eDigid));
        assertThat(driver.sink.of(DecisionType.ANNOUNCE)).as("cleared").isEmpty();
        assertThat(driver.core.reloadBlocker(withoutOutage)).isNull();
    }
}
