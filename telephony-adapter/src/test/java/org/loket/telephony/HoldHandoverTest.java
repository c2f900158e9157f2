package org.loket.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiRequest;
import org.junit.jupiter.api.Test;
import org.loket.config.ConfigLoader;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.EscalationStep;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.host.gateway.CommandPublisher;
import org.loket.host.gateway.GatewayContext;

/**
 * A waiting caller holds in one long digit wait, not in polled slices; when the Redirect that
 * should end the hold cannot be sent (no AMI here), the session still takes the offer at the end
 * of its hold ({@code holdCheckMs}) and dials. The Redirect itself runs against a real Asterisk in
 * {@link PhoneChannelIT}.
 */
class HoldHandoverTest {
    private final List<Command> published = new CopyOnWriteArrayList<>();
    private final List<String> agiCommands = new CopyOnWriteArrayList<>();

    private final CommandPublisher publisher = StandIns.recording(published);

    /** @param pressForCallback the caller presses 1 during the callback offer */
    private AgiChannel channel(boolean pressForCallback) {
        return StandIns.channel(agiCommands, path -> pressForCallback && path.endsWith("/callback-offer"), dialGate, dialResult::get);
    }

    /** What each Dial returns: -1 when the caller hung up during it. */
    private final java.util.concurrent.atomic.AtomicInteger dialResult = new java.util.concurrent.atomic.AtomicInteger();

    /** A gateway without AMI (no Redirect can be sent), announcements off, holding in slices of {@code holdCheckMs}. */
    private static TelephonyGateway gateway(int holdCheckMs) {
        return new TelephonyGateway(TelephonySettings.from(Map.of("telephony.ami.secretFile", "unused",
                "telephony.announceEveryMs", "0", "telephony.holdCheckMs", Integer.toString(holdCheckMs))));
    }

    /** From now on each Dial lasts until the test releases a permit of the returned semaphore. */
    private java.util.concurrent.Semaphore endEachDialByHand() {
        dialGate = new java.util.concurrent.Semaphore(0);
        return dialGate;
    }

    /** Each Dial takes a permit (a conversation that lasts until the test ends it); by default never waits. */
    private java.util.concurrent.Semaphore dialGate = new java.util.concurrent.Semaphore(Integer.MAX_VALUE);

    /** The caller ID of the next call's AGI request. */
    private String callerNumber = "0612345678";

    private AgiRequest request() {
        String number = callerNumber;
        return (AgiRequest) Proxy.newProxyInstance(HoldHandoverTest.class.getClassLoader(), new Class<?>[] {AgiRequest.class},
                (p, m, args) -> switch (m.getName()) {
                    case "getScript" -> "route";
                    case "getArguments" -> new String[] {"phone"};
                    case "getCallerIdNumber" -> number;
                    case "getUniqueId" -> "1700000000.2";
                    case "getChannel" -> "PJSIP/anonymous-00000001";
                    default -> null;
                });
    }

    @Test
    void shouldHoldInOneLongWaitAndStillDialWhenTheRedirectCannotBeSent() throws Exception {
        TelephonyGateway gateway = gateway(400);
        long contactId = arrive(gateway, false);
        Thread call = calls.getLast();
        Decision queued = new Decision();
        queued.type = DecisionType.QUEUE_CONTACT;
        queued.contactId = contactId;
        queued.queueId = 0;
        queued.timestampNs = System.currentTimeMillis() * 1_000_000L;
        gateway.onDecision(queued);
        gateway.onCommandDecided();
        Thread.sleep(1_000);
        long waits = agiCommands.stream().filter(c -> c.startsWith("WAIT FOR DIGIT")).count();
        assertThat(waits).as("one digit wait per holdCheckMs, not one per 100 ms").isBetween(2L, 4L);

        Decision offer = new Decision();
        offer.type = DecisionType.OFFER_CONTACT;
        offer.contactId = contactId;
        offer.queueId = 0;
        offer.agentId = 0;
        offer.timestampNs = System.currentTimeMillis() * 1_000_000L;
        gateway.onDecision(offer);
        gateway.onCommandDecided();
        call.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(call.isAlive()).isFalse();
        assertThat(agiCommands).anyMatch(c -> c.startsWith("exec[Dial"));
        assertThat(gateway.calls().counters.handoversFailed.get()).isEqualTo(1);
        assertThat(published).extracting(c -> c.type).contains(CommandType.OFFER_ACCEPTED, CommandType.CONTACT_ENDED);
        assertThat(gateway.calls().byContact).as("served: kept until the core took its end").containsKey(contactId);
        gateway.onDecision(StandIns.decision(DecisionType.END_CONTACT, contactId, 0, 0, -1));
        assertThat(gateway.calls().byContact).isEmpty();
    }

    /**
     * An agent transfers the call from the desktop while talking: the Redirect (none here: no AMI)
     * would end the Dial at once; without it the caller moves when the conversation ends, on hold in
     * the new queue on this session, and is dialled to the next agent, its end published once.
     */
    @Test
    void shouldMoveATransferredCallerToTheNewQueuesHoldAndDialTheNextAgent() throws Exception {
        TelephonyGateway gateway = gateway(200);
        java.util.concurrent.Semaphore dialEnds = endEachDialByHand();
        long contactId = talkingToAgent1(gateway);
        assertThat(published).extracting(c -> c.type).contains(CommandType.OFFER_ACCEPTED);

        gateway.onDecision(StandIns.decision(DecisionType.TRANSFER_CONTACT, contactId, 4, 0, -1));
        gateway.onDecision(StandIns.decision(DecisionType.QUEUE_CONTACT, contactId, 4, -1, -1));
        gateway.onCommandDecided();
        Thread.sleep(300);
        int dialled = agiCommands.size();
        for (int i = 0; i < agiCommands.size(); i++) {
            if (agiCommands.get(i).startsWith("exec[Dial")) {
                dialled = i;
            }
        }
        assertThat(agiCommands.subList(dialled + 1, agiCommands.size())).as("no Redirect could be sent: the conversation goes on")
                .isEmpty();
        int mark = agiCommands.size();
        dialEnds.release(); // agent-1 hangs up
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (agiCommands.subList(mark, agiCommands.size()).stream().noneMatch(c -> c.startsWith("WAIT FOR DIGIT"))
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(agiCommands.subList(mark, agiCommands.size())).as("on hold in the new queue").anyMatch(c -> c.startsWith("playMusicOnHold"));
        assertThat(gateway.calls().counters.transfers.get()).isEqualTo(1);
        assertThat(gateway.calls().board.position(contactId)).as("waiting in cb-voice").isEqualTo(1);
        assertThat(published).extracting(c -> c.type).doesNotContain(CommandType.CONTACT_ENDED, CommandType.CONTACT_ABANDONED);

        gateway.onDecision(StandIns.decision(DecisionType.OFFER_CONTACT, contactId, 4, 3, -1));
        gateway.onCommandDecided();
        awaitAgi(c -> c.startsWith("exec[Dial, [PJSIP/agent-4"));
        dialEnds.release(); // agent-4 answered (DIALSTATUS) and the conversation ended
        calls.get(0).join(TimeUnit.SECONDS.toMillis(5));
        assertThat(calls.get(0).isAlive()).isFalse();
        assertThat(published).filteredOn(c -> c.type == CommandType.CONTACT_ENDED).hasSize(1);
        assertThat(published).filteredOn(c -> c.type == CommandType.OFFER_ACCEPTED).extracting(c -> c.agentId).containsExactly(0, 3);
    }

    /**
     * The agent hung up just as they transferred the call: the session published the call's end,
     * the core took the transfer first and refused the end. The contact, waiting in its new queue
     * for a caller the dialplan hung up, is closed as abandoned: no contact waits for nobody.
     */
    @Test
    void shouldAbandonAServedCallWhoseEndTheCoreRefusedBecauseATransferCameFirst() throws Exception {
        TelephonyGateway gateway = gateway(200);
        long contactId = startCall(gateway, false);
        gateway.onDecision(StandIns.decision(DecisionType.OFFER_CONTACT, contactId, 0, 0, -1));
        gateway.onCommandDecided();
        calls.get(0).join(TimeUnit.SECONDS.toMillis(5));
        assertThat(published).extracting(c -> c.type).contains(CommandType.CONTACT_ENDED);

        gateway.onDecision(StandIns.decision(DecisionType.TRANSFER_CONTACT, contactId, 4, 0, -1));
        gateway.onDecision(StandIns.decision(DecisionType.QUEUE_CONTACT, contactId, 4, -1, -1));
        gateway.onCommandDecided();
        Decision refused = StandIns.decision(DecisionType.REJECT_COMMAND, contactId, -1, -1, org.loket.core.decision.RejectReason.ILLEGAL_TRANSITION);
        refused.commandType = CommandType.CONTACT_ENDED.code();
        gateway.onDecision(refused);
        gateway.onCommandDecided();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (published.stream().noneMatch(c -> c.type == CommandType.CONTACT_ABANDONED) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(published).filteredOn(c -> c.type == CommandType.CONTACT_ABANDONED).extracting(c -> c.contactId).containsExactly(contactId);
        assertThat(gateway.calls().counters.transfersLost.get()).isEqualTo(1);
        assertThat(gateway.calls().byContact).isEmpty();
    }

    /**
     * A warm transfer of a call: the caller stays in agent-1's Dial while the next agent's phone is
     * rung (an originate; no AMI here, so it is only counted); when agent-4 answers, the core hears
     * the acceptance and the caller is bridged with agent-4's channel once it leaves agent-1 (here
     * when that Dial ends: no Redirect can be sent). One end, after the bridge.
     */
    @Test
    void shouldKeepAWarmlyTransferredCallerWithTheFirstAgentUntilTheNextAnswersThenBridgeThem() throws Exception {
        TelephonyGateway gateway = gateway(200);
        java.util.concurrent.Semaphore dialEnds = endEachDialByHand();
        long contactId = talkingToAgent1(gateway);
        CallSession session = gateway.calls().byContact.get(contactId);
        assertThat(session.warmAnswered("agent-4")).as("no transfer yet: nobody is rung").isEqualTo(CallSession.LegRole.LOST);

        Decision warm = StandIns.decision(DecisionType.TRANSFER_CONTACT, contactId, 4, 0, -1);
        warm.flags = Decision.FLAG_WARM;
        gateway.onDecision(warm);
        gateway.onDecision(StandIns.decision(DecisionType.QUEUE_CONTACT, contactId, 4, -1, -1));
        gateway.onDecision(StandIns.decision(DecisionType.OFFER_CONTACT, contactId, 4, 3, -1));
        gateway.onCommandDecided();
        Thread.sleep(300);
        assertThat(gateway.calls().counters.warmLegs.get()).as("agent-4 rung by an originate").isEqualTo(1);
        assertThat(agiCommands.getLast()).as("still talking with agent-1").startsWith("exec[Dial, [PJSIP/agent-1");
        assertThat(session.warmAnswered("agent-3")).as("not the agent rung").isEqualTo(CallSession.LegRole.LOST);

        assertThat(session.warmAnswered("agent-4")).as("not an introduction").isEqualTo(CallSession.LegRole.AWAIT_BRIDGE);
        assertThat(published).filteredOn(c -> c.type == CommandType.OFFER_ACCEPTED).extracting(c -> c.agentId).containsExactly(0, 3);
        dialEnds.release(); // agent-1's leg ends (the Redirect would have ended it at once)
        calls.get(0).join(TimeUnit.SECONDS.toMillis(5));
        assertThat(calls.get(0).isAlive()).isFalse();
        assertThat(agiCommands).anyMatch(c -> c.startsWith("exec[Bridge, [loket-" + contactId + "-warm-1-leg,x"));
        assertThat(agiCommands).as("agent-4 was not dialled: it answered the originate").noneMatch(c -> c.startsWith("exec[Dial, [PJSIP/agent-4"));
        assertThat(gateway.calls().counters.warmTransfers.get()).isEqualTo(1);
        assertThat(published).filteredOn(c -> c.type == CommandType.CONTACT_ENDED).hasSize(1);
        assertThat(published).extracting(c -> c.type).doesNotContain(CommandType.CONTACT_ABANDONED, CommandType.TRANSFER_LEFT);
    }

    /**
     * The next agent's phone refuses the warm transfer's ring (the leg's {@code DialEnd},
     * busy): that agent is made not ready and the offer goes back at once, the caller still with the
     * first agent; a ring that was only not answered is left to the core's offer timer.
     */
    @Test
    void shouldDeclineAWarmTransfersOfferAtOnceWhenTheNextAgentsPhoneRefusesTheRing() throws Exception {
        TelephonyGateway gateway = gateway(200);
        java.util.concurrent.Semaphore dialEnds = endEachDialByHand();
        long contactId = warmlyTransferredByAgent1(gateway, true);
        AmiLink ami = new AmiLink(gateway);
        String leg = "loket-" + contactId + "-warm-1-leg";
        assertThat(CallSession.contactOfWarmLeg(leg)).isEqualTo(contactId);
        assertThat(CallSession.contactOfWarmLeg("1700000000.12")).isEqualTo(-1);
        ami.onManagerEvent(legDialEnd(leg, "ANSWER"));
        assertThat(published).as("an answer comes over AGI").noneMatch(c -> c.type == CommandType.OFFER_DECLINED);
        ami.onManagerEvent(legDialEnd(leg, "BUSY"));
        assertThat(published).filteredOn(c -> c.type == CommandType.OFFER_DECLINED).extracting(c -> c.agentId).containsExactly(3);
        assertThat(published).filteredOn(c -> c.type == CommandType.AGENT_STATE_CHANGED).extracting(c -> c.agentId).containsExactly(3);
        assertThat(gateway.calls().byContact.get(contactId).warmAnswered("agent-4")).as("no longer rung").isEqualTo(CallSession.LegRole.LOST);

        gateway.onDecision(StandIns.decision(DecisionType.OFFER_CONTACT, contactId, 4, 1, -1)); // offered on to agent-2
        gateway.onCommandDecided();
        ami.onManagerEvent(legDialEnd("loket-" + contactId + "-warm-2-leg", "NOANSWER")); // rang out
        assertThat(published).filteredOn(c -> c.type == CommandType.OFFER_DECLINED).as("the offer timer's job").hasSize(1);
        assertThat(gateway.calls().counters.warmLegs.get()).isEqualTo(2);
        assertThat(gateway.calls().counters.ringsRefused.get()).as("the busy ring only").isEqualTo(1);
        assertThat(agiCommands.getLast()).as("the caller still talks with agent-1").startsWith("exec[Dial, [PJSIP/agent-1");
        dialEnds.release();
    }

    /** The {@code DialEnd} Asterisk sends for an originated leg: no caller channel, the leg's own id as the destination's. */
    private static org.asteriskjava.manager.event.DialEndEvent legDialEnd(String legId, String dialStatus) {
        var event = new org.asteriskjava.manager.event.DialEndEvent(HoldHandoverTest.class);
        event.setDestUniqueId(legId);
        event.setDialStatus(dialStatus);
        return event;
    }

    /**
     * An introduction: agent-4 answers and joins the call with agent-1 (no Redirect: the caller stays
     * in agent-1's Dial, the three talk). The Dial returns while the introduction is on (a bridge that
     * broke up when one of the three hung up; Asterisk 22 keeps it when only the introducer goes):
     * the core hears agent-1 left, and the caller is bridged with agent-4's leg.
     */
    @Test
    void shouldLetTheNextAgentJoinAnIntroductionAndBridgeThemWithTheCallerWhenTheFirstHangsUp() throws Exception {
        TelephonyGateway gateway = gateway(200);
        java.util.concurrent.Semaphore dialEnds = endEachDialByHand();
        long contactId = introducedByAgent1ToAgent4(gateway);
        assertThat(published).filteredOn(c -> c.type == CommandType.OFFER_ACCEPTED).extracting(c -> c.agentId).containsExactly(0, 3);
        Thread.sleep(300);
        assertThat(agiCommands.getLast()).as("the caller still talks with agent-1, now with agent-4 too").startsWith("exec[Dial, [PJSIP/agent-1");

        dialEnds.release(); // the three-way bridge breaks up
        calls.get(0).join(TimeUnit.SECONDS.toMillis(5));
        assertThat(published).filteredOn(c -> c.type == CommandType.TRANSFER_LEFT).extracting(c -> c.agentId).containsExactly(0);
        assertThat(agiCommands).anyMatch(c -> c.startsWith("exec[Bridge, [loket-" + contactId + "-warm-1-leg,x"));
        assertThat(gateway.calls().counters.introductions.get()).isEqualTo(1);
        assertThat(gateway.calls().counters.transfers.get()).as("never woken out of agent-1's call (no Redirect)").isZero();
        assertThat(gateway.calls().counters.warmTransfers.get()).isEqualTo(1);
        assertThat(published).filteredOn(c -> c.type == CommandType.CONTACT_ENDED).hasSize(1);
        assertThat(published).extracting(c -> c.type).doesNotContain(CommandType.CONTACT_ABANDONED);
    }

    /**
     * The introducer leaves from the desktop: the core released them ({@code INTRODUCED}), their
     * phone is hung up (no Redirect of the caller: Asterisk keeps the caller and the next agent in the
     * call's bridge), and the next agent's leg is the call's agent from then on: the Dial's end is the
     * conversation's end, without a Bridge or a second {@code TRANSFER_LEFT}.
     */
    @Test
    void shouldLeaveTheCallerWithTheNextAgentWhenTheIntroducerLeavesFromTheDesktop() throws Exception {
        TelephonyGateway gateway = gateway(200);
        java.util.concurrent.Semaphore dialEnds = endEachDialByHand();
        long contactId = introducedByAgent1ToAgent4(gateway);
        Decision released = StandIns.decision(DecisionType.TRANSFER_RELEASED, contactId, 4, 0, -1);
        released.reason = org.loket.core.decision.ReleaseReason.INTRODUCED;
        gateway.onDecision(released);
        gateway.onCommandDecided();
        Thread.sleep(300);
        assertThat(agiCommands.getLast()).as("not woken: agent-1's phone is hung up instead").startsWith("exec[Dial, [PJSIP/agent-1");
        assertThat(gateway.calls().counters.warmTransfers.get()).as("the hand-over is done").isEqualTo(1);
        dialEnds.release(); // agent-4 hangs up
        calls.get(0).join(TimeUnit.SECONDS.toMillis(5));
        assertThat(agiCommands).noneMatch(c -> c.startsWith("exec[Bridge"));
        assertThat(published).filteredOn(c -> c.type == CommandType.CONTACT_ENDED).hasSize(1);
        assertThat(published).extracting(c -> c.type).doesNotContain(CommandType.TRANSFER_LEFT, CommandType.CONTACT_ABANDONED);
    }

    /**
     * The agent who joined an introduction hangs up first (their leg's {@code BridgeAdd} ends): the
     * core hears they left ({@code TRANSFER_LEFT} naming agent-4) and gives the call back to agent-1
     * ({@code RETURNED}); the caller talks on in agent-1's Dial, whose end is the conversation's end,
     * without a Bridge. The same release after a desktop's "Leave" hangs agent-4's leg up.
     */
    @Test
    void shouldKeepTheCallerWithTheIntroducerWhenTheJoinedAgentHangsUp() throws Exception {
        TelephonyGateway gateway = gateway(200);
        java.util.concurrent.Semaphore dialEnds = endEachDialByHand();
        long contactId = introducedByAgent1ToAgent4(gateway);
        CallSession session = gateway.calls().byContact.get(contactId);
        gateway.joinedAgentHungUp(session, "agent-4");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (published.stream().noneMatch(c -> c.type == CommandType.TRANSFER_LEFT) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(published).filteredOn(c -> c.type == CommandType.TRANSFER_LEFT).extracting(c -> c.agentId).containsExactly(3);

        // agent-4 (3) is released; the call is back in login-voice (0), where agent-1 took it, not in cb-voice (4)
        Decision returned = StandIns.decision(DecisionType.TRANSFER_RELEASED, contactId, 0, 3, -1);
        returned.reason = org.loket.core.decision.ReleaseReason.RETURNED;
        gateway.onDecision(returned);
        gateway.onCommandDecided();
        Thread.sleep(300);
        assertThat(agiCommands.getLast()).as("not woken: the caller talks on with agent-1").startsWith("exec[Dial, [PJSIP/agent-1");
        assertThat(gateway.calls().counters.introductionsReturned.get()).isEqualTo(1);
        assertThat(session.introducerOnTheLine()).as("the introduction is over").isFalse();
        session.joinedAgentHungUp("agent-4");
        dialEnds.release(); // agent-1 or the caller hangs up
        calls.get(0).join(TimeUnit.SECONDS.toMillis(5));
        assertThat(agiCommands).noneMatch(c -> c.startsWith("exec[Bridge"));
        assertThat(published).filteredOn(c -> c.type == CommandType.TRANSFER_LEFT).as("once").hasSize(1);
        assertThat(published).filteredOn(c -> c.type == CommandType.CONTACT_ENDED).hasSize(1);
        assertThat(published).extracting(c -> c.type).doesNotContain(CommandType.CONTACT_ABANDONED);
        assertThat(gateway.calls().counters.warmTransfers.get()).as("no hand-over happened").isZero();
    }

    /** A caller who hangs up during an introduction ends the conversation (the next agent accepted it), not an abandon. */
    @Test
    void shouldEndAnIntroducedCallWhoseCallerHangsUp() throws Exception {
        TelephonyGateway gateway = gateway(200);
        java.util.concurrent.Semaphore dialEnds = endEachDialByHand();
        long contactId = introducedByAgent1ToAgent4(gateway);
        dialResult.set(-1);
        dialEnds.release(); // the caller hangs up: the three-way bridge breaks up
        calls.get(0).join(TimeUnit.SECONDS.toMillis(5));
        assertThat(published).extracting(c -> c.type)
                .contains(CommandType.CONTACT_ENDED).doesNotContain(CommandType.CONTACT_ABANDONED, CommandType.TRANSFER_LEFT);
        assertThat(agiCommands).noneMatch(c -> c.startsWith("exec[Bridge"));
    }

    /**
     * The first agent of a warm transfer hangs up before a colleague answers: the caller is still
     * there and waits on hold in the new queue, the core hears the agent left, and the next offer is
     * dialled as usual.
     */
    @Test
    void shouldHoldAWarmlyTransferredCallerWhoseFirstAgentHungUpAndTellTheCoreTheyLeft() throws Exception {
        TelephonyGateway gateway = gateway(200);
        java.util.concurrent.Semaphore dialEnds = endEachDialByHand();
        long contactId = warmlyTransferredByAgent1(gateway, false);
        int mark = agiCommands.size();
        dialEnds.release(); // agent-1 hangs up
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (agiCommands.stream().skip(mark).noneMatch(c -> c.startsWith("WAIT FOR DIGIT")) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        List<String> since = List.copyOf(agiCommands);
        assertThat(since.subList(mark, since.size())).anyMatch(c -> c.startsWith("playMusicOnHold"));
        assertThat(published).filteredOn(c -> c.type == CommandType.TRANSFER_LEFT).extracting(c -> c.agentId).containsExactly(0);
        assertThat(published).extracting(c -> c.type).doesNotContain(CommandType.CONTACT_ENDED, CommandType.CONTACT_ABANDONED);
        assertThat(gateway.calls().counters.warmFirstAgentHungUp.get()).isEqualTo(1);

        gateway.onDecision(StandIns.decision(DecisionType.OFFER_CONTACT, contactId, 4, 3, -1));
        gateway.onCommandDecided();
        awaitAgi(c -> c.startsWith("exec[Dial, [PJSIP/agent-4"));
        assertThat(gateway.calls().counters.warmLegs.get()).as("the caller holds alone: agent-4 is dialled, not originated").isZero();
        dialEnds.release();
        calls.get(0).join(TimeUnit.SECONDS.toMillis(5));
        assertThat(published).filteredOn(c -> c.type == CommandType.CONTACT_ENDED).hasSize(1);
    }

    /**
     * The caller hangs up while talking to the first agent of a warm transfer: the contact waits in
     * the new queue in the core, so it is abandoned there (an end the core would refuse otherwise).
     */
    @Test
    void shouldAbandonAWarmlyTransferredCallerWhoHangsUpBeforeTheNextAgentAnswers() throws Exception {
        TelephonyGateway gateway = gateway(200);
        java.util.concurrent.Semaphore dialEnds = endEachDialByHand();
        long contactId = warmlyTransferredByAgent1(gateway, true);
        dialResult.set(-1);
        dialEnds.release(); // the caller hangs up
        calls.get(0).join(TimeUnit.SECONDS.toMillis(5));
        assertThat(calls.get(0).isAlive()).isFalse();
        assertThat(published).filteredOn(c -> c.type == CommandType.CONTACT_ABANDONED).extracting(c -> c.contactId).containsExactly(contactId);
        assertThat(published).extracting(c -> c.type).doesNotContain(CommandType.CONTACT_ENDED, CommandType.TRANSFER_LEFT);
        assertThat(gateway.calls().byContact).isEmpty();
    }

    /**
     * A call agent-1 answered and transferred warm to queue 4 (the caller still in agent-1's Dial);
     * with {@code offered}, the same command offers it to agent-4 (id 3), whose phone is rung.
     */
    private long warmlyTransferredByAgent1(TelephonyGateway gateway, boolean offered) throws Exception {
        return warmlyTransferredByAgent1(gateway, offered, Decision.FLAG_WARM);
    }

    /** As above, the transfer's decision with these flags (an introduction adds {@link Decision#FLAG_INTRODUCE}). */
    private long warmlyTransferredByAgent1(TelephonyGateway gateway, boolean offered, int flags) throws Exception {
        long contactId = talkingToAgent1(gateway);
        Decision warm = StandIns.decision(DecisionType.TRANSFER_CONTACT, contactId, 4, 0, -1);
        warm.flags = flags;
        gateway.onDecision(warm);
        gateway.onDecision(StandIns.decision(DecisionType.QUEUE_CONTACT, contactId, 4, -1, -1));
        if (offered) {
            gateway.onDecision(StandIns.decision(DecisionType.OFFER_CONTACT, contactId, 4, 3, -1));
        }
        gateway.onCommandDecided();
        return contactId;
    }

    /** agent-1 introduces its caller to agent-4, whose answered leg joins the call (no Redirect). */
    private long introducedByAgent1ToAgent4(TelephonyGateway gateway) throws Exception {
        long contactId = warmlyTransferredByAgent1(gateway, true, Decision.FLAG_WARM | Decision.FLAG_INTRODUCE);
        assertThat(gateway.calls().byContact.get(contactId).warmAnswered("agent-4")).isEqualTo(CallSession.LegRole.JOIN);
        return contactId;
    }

    /** A call in agent-1's Dial, answered (the AMI's DialEnd). */
    private long talkingToAgent1(TelephonyGateway gateway) throws Exception {
        long contactId = startCall(gateway, false);
        gateway.onDecision(StandIns.decision(DecisionType.OFFER_CONTACT, contactId, 0, 0, -1));
        gateway.onCommandDecided();
        awaitAgi(c -> c.startsWith("exec[Dial, [PJSIP/agent-1"));
        gateway.calls().byContact.get(contactId).agentAnswered("PJSIP/agent-1-00000001");
        return contactId;
    }

    /** Waits up to 5 s for an AGI command or call the stand-in channel logged. */
    private void awaitAgi(java.util.function.Predicate<String> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (agiCommands.stream().noneMatch(wanted) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(agiCommands).as("AGI so far").anyMatch(wanted);
    }

    @Test
    void shouldDialWithoutHoldMusicWhenTheOfferComesInTheSameCommandAsTheQueueing() throws Exception {
        TelephonyGateway gateway = gateway(5000);
        for (int call = 0; call < 20; call++) {
            published.clear();
            agiCommands.clear();
            long contactId = arrive(gateway, false);
            Thread session = calls.getLast();
            // One command (the arrival) queues the contact and offers it at once; the session may wake
            // between the two onDecision calls, but sees both only at the command's end.
            gateway.onDecision(StandIns.decision(DecisionType.QUEUE_CONTACT, contactId, 0, -1, -1));
            Thread.sleep(2);
            gateway.onDecision(StandIns.decision(DecisionType.OFFER_CONTACT, contactId, 0, 0, -1));
            gateway.onCommandDecided();
            session.join(TimeUnit.SECONDS.toMillis(5));
            assertThat(session.isAlive()).isFalse();
            assertThat(agiCommands).anyMatch(c -> c.startsWith("exec[Dial"));
            assertThat(agiCommands).as("no hold music started and stopped for call " + call)
                    .noneMatch(c -> c.startsWith("playMusicOnHold")).noneMatch(c -> c.startsWith("WAIT FOR DIGIT"));
            assertThat(gateway.calls().counters.briefHolds.get()).isZero();
            assertThat(gateway.calls().counters.arrivalToDialUs.getTotalCount()).as("the call's arrival to dial counted").isEqualTo(1);
        }
    }

    /** A call's session on a virtual thread (kept in {@link #calls}); returns its contact once it arrived. */
    private long arrive(TelephonyGateway gateway, boolean pressForCallback) throws Exception {
        gateway.prepare(new GatewayContext(publisher, ConfigLoader.load(Path.of("src/test/resources/phone-it")), Map.of()));
        Thread call = Thread.ofVirtual().start(() -> {
            try {
                gateway.service(request(), channel(pressForCallback));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        calls.add(call);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (published.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        return published.get(0).contactId;
    }

    private long startCall(TelephonyGateway gateway, boolean pressForCallback) throws Exception {
        long contactId = arrive(gateway, pressForCallback);
        gateway.onDecision(StandIns.decision(DecisionType.QUEUE_CONTACT, contactId, 0, -1, -1));
        gateway.onCommandDecided();
        return contactId;
    }

    private final List<Thread> calls = new CopyOnWriteArrayList<>();

    @Test
    void shouldPlayAStepsCallbackOfferAtOnceAndAskForTheCallbackWhenTheCallerPresses1() throws Exception {
        TelephonyGateway gateway = gateway(300);
        long contactId = startCall(gateway, true);
        Thread.sleep(500);
        assertThat(agiCommands).noneMatch(c -> c.contains("callback-offer"));

        gateway.onDecision(StandIns.decision(DecisionType.ESCALATE, contactId, 0, -1, EscalationStep.Action.OFFER_CALLBACK.code()));

        gateway.onCommandDecided();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (published.stream().noneMatch(c -> c.type == CommandType.CALLBACK_REQUESTED) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(agiCommands).anyMatch(c -> c.startsWith("streamFile") && c.contains("callback-offer"));
        assertThat(published).extracting(c -> c.type).contains(CommandType.CALLBACK_REQUESTED);
        assertThat(gateway.calls().counters.callbackOffers.get()).isEqualTo(1);

        gateway.onDecision(StandIns.decision(DecisionType.CALLBACK_SCHEDULED, contactId, 0, -1, -1));

        gateway.onCommandDecided();
        calls.get(0).join(TimeUnit.SECONDS.toMillis(5));
        assertThat(calls.get(0).isAlive()).isFalse();
        assertThat(agiCommands).anyMatch(c -> c.contains("callback-confirmed"));
        assertThat(gateway.calls().callbacks).containsKey(contactId);
    }

    /**
     * A callback dials the caller ID, which the caller sets: a premium line (0906), or a "number"
     * with Dial options in it, is never offered one (telephony.callbackNumbers), though they press 1.
     */
    @Test
    void shouldOfferNoCallbackToANumberItMustNotDial() throws Exception {
        for (String number : List.of("0906123456", "0612345678,30,U(evil^s^1)&PJSIP/1001")) {
            callerNumber = number;
            TelephonyGateway gateway = gateway(300);
            long contactId = startCall(gateway, true);
            gateway.onDecision(StandIns.decision(DecisionType.ESCALATE, contactId, 0, -1, EscalationStep.Action.OFFER_CALLBACK.code()));
            gateway.onCommandDecided();
            Thread.sleep(1_000);
            assertThat(agiCommands).as(number).noneMatch(c -> c.contains("callback-offer"));
            assertThat(published).extracting(c -> c.type).as(number).doesNotContain(CommandType.CALLBACK_REQUESTED);
            assertThat(gateway.calls().counters.callbackOffers.get()).isZero();
            gateway.onDecision(StandIns.decision(DecisionType.END_CONTACT, contactId, 0, -1, -1));
            gateway.onCommandDecided();
            calls.getLast().join(TimeUnit.SECONDS.toMillis(5));
            published.clear();
            agiCommands.clear();
        }
    }

    @Test
    void shouldKeepHoldingACallerWhoLetsTheOfferPassAndIgnoreWidenAndOverflow() throws Exception {
        TelephonyGateway gateway = gateway(300);
        long contactId = startCall(gateway, false);
        gateway.onDecision(StandIns.decision(DecisionType.ESCALATE, contactId, 0, -1, EscalationStep.Action.WIDEN.code()));
        gateway.onCommandDecided();
        gateway.onDecision(StandIns.decision(DecisionType.ESCALATE, contactId, 0, -1, EscalationStep.Action.OFFER_CALLBACK.code()));
        gateway.onCommandDecided();
        Thread.sleep(1_000);
        assertThat(agiCommands).anyMatch(c -> c.contains("callback-offer"));
        assertThat(published).extracting(c -> c.type).doesNotContain(CommandType.CALLBACK_REQUESTED);
        long waitsBefore = agiCommands.stream().filter(c -> c.startsWith("WAIT FOR DIGIT")).count();
        Thread.sleep(700);
        assertThat(agiCommands.stream().filter(c -> c.startsWith("WAIT FOR DIGIT")).count()).as("still on hold").isGreaterThan(waitsBefore);

        gateway.onDecision(StandIns.decision(DecisionType.END_CONTACT, contactId, 0, -1, -1));

        gateway.onCommandDecided();
        calls.get(0).join(TimeUnit.SECONDS.toMillis(5));
        assertThat(calls.get(0).isAlive()).isFalse();
    }

    @Test
    void shouldAnnounceTheOverflowedCallersPlaceInItsNewQueue() {
        Calls.Board board = new Calls.Board();
        board.queued(1, 0, 0, 100);
        board.queued(2, 1, 0, 200);
        board.queued(3, 0, 0, 300);
        assertThat(board.position(3)).isEqualTo(2);
        board.moved(3, 1); // joined at 300: behind contact 2 in queue 1
        assertThat(board.position(3)).isEqualTo(2);
        board.moved(1, 1); // joined at 100: first in queue 1
        assertThat(board.position(1)).isEqualTo(1);
        assertThat(board.position(2)).isEqualTo(2);
        assertThat(board.position(3)).isEqualTo(3);
    }

    @Test
    void shouldAnnounceTheCoresEstimateUntilTheBoardHasSeenTheQueuesPace() {
        Calls.Board board = new Calls.Board();
        board.queued(1, 0, 0, 0, 300_000); // the core estimated five minutes
        assertThat(board.estimatedWaitMs(1, 60_000_000_000L)).as("a minute later: four").isEqualTo(240_000);
        board.queued(2, 0, 0, 0, -1);
        assertThat(board.estimatedWaitMs(2, 0)).as("no estimate, no pace").isEqualTo(-1);
        board.offered(9, 0, 1_000_000_000L);
        board.offered(8, 0, 31_000_000_000L); // one offer every 30 s
        assertThat(board.estimatedWaitMs(1, 90_000_000_000L)).as("position 1 x 30 s").isEqualTo(30_000);
    }
}
