package org.loket.telephony;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiHangupException;
import org.asteriskjava.fastagi.command.WaitForDigitCommand;
import org.asteriskjava.fastagi.reply.AgiReply;
import org.loket.config.PhonePrompts;
import org.loket.core.AgentState;
import org.loket.core.PauseReason;
import org.loket.core.command.CommandType;
import org.loket.core.config.EscalationStep;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.core.decision.ReleaseReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One caller's AGI session, on its own virtual thread: renders the core's decisions for this
 * contact as audio and turns what the caller does into commands. It never routes: the core
 * decides every next step, this class only plays, listens and dials.
 * <p>Decisions arrive from the egress thread through {@link #deliver} (never blocks); the session
 * thread takes them in order. Whenever the session waits for the engine it waits at most
 * {@code engineTimeoutMs}; then the call leaves Loket for the dialplan's fallback route.
 * <p>A waiting caller is on hold in one long digit wait (music on, {@code holdCheckMs} at most, or
 * until the next announcement), not in polled slices. A decision that needs the caller (an offer,
 * an end) ends the hold at once: {@link #deliver} asks for an AMI Redirect of the caller's channel to
 * {@code loket-resume,CONTACT,1}, which interrupts the digit wait; this AGI session then ends and the
 * dialplan opens a new one ({@code agi://.../resume,CONTACT}) on which {@link #resume} carries on
 * with the same state and mailbox. Between the two the session is "in transit": a caller who hangs
 * up then is noticed by the failed Redirect or, at the latest, after {@code engineTimeoutMs}.
 * <p>A transfer (an agent's, from the desktop: {@code TRANSFER_CONTACT}) takes the caller out of the
 * agent's bridge the same way: the Redirect ends the {@code Dial} (Asterisk hangs up the agent's leg)
 * and the call carries on in a new AGI session, on hold in its new queue. Should the Redirect fail
 * (AMI down), the caller moves when the conversation ends, still on the line.
 */
final class CallSession {
    private static final Logger LOG = LoggerFactory.getLogger(CallSession.class);
    private static final String DIGITS = "0123456789*#";
    /** Tells the dialplan that Loket finished the call; without it the call takes the fallback route. */
    static final String DONE_VARIABLE = "LOKET_DONE";
    /** A warm transfer's leg id: {@code loket-CONTACT-warm-N-leg} (N counts the call's legs; the end keeps one from prefixing the next). */
    private static final String LEG_PREFIX = "loket-";
    private static final String LEG_MIDDLE = "-warm-";

    private enum Phase { AWAITING_ENGINE, SELF_SERVICE, WAITING, FINISHING }

    /**
     * Where the hold is, guarded by {@code this}: the egress, AMI-action and session threads meet
     * here. {@code DIALLING}: in a conversation with an agent (their Dial, or a warm transfer's
     * Bridge), which only a transfer ends early.
     */
    private enum Hold { NONE, HOLDING, DIALLING, WAKING, TRANSIT, GONE }

    /** Thrown on the session thread when the channel left this AGI session for {@code loket-resume}. */
    private static final class Redirected extends Exception {
        Redirected() {
            super(null, null, false, false);
        }
    }

    private final TelephonyGateway gateway;
    private final Calls calls;
    private AgiChannel channel;
    private TelephonyGateway.AgiSocket socket;
    private final String channelName;
    private final TelephonySettings settings;
    final long contactId;
    private final String uniqueId;
    private final String number;
    /** The caller's pseudonym ({@code Command.citizenPseudonym}), and as logs show it. */
    private final long citizen;
    private final String pseudonym;
    /**
     * A decision and the names of the configuration it was made under: a reload between its release
     * on egress and its turn here must not change what its ids mean.
     */
    record Mail(Decision decision, Directory names) {
    }

    private final Mailbox<Mail> mailbox = new Mailbox<>();
    private final AtomicBoolean accepted = new AtomicBoolean();
    /** The endpoint (agent name) being dialled, or null; by name, since a reload may move the agent's id mid-ring. */
    private volatile String offeredEndpoint;
    private Phase phase = Phase.AWAITING_ENGINE;
    private long engineDeadlineNs;
    private String language;
    private boolean musicOn;
    /** When the music last started, and when CONTACT_ARRIVED was published (0 once the first dial counted it). */
    private long musicStartedNs;
    private long arrivedNs;
    private boolean connected;
    private boolean ended;
    /** The call was answered and its end published: kept registered until the core's answer (see {@link #afterServed}). */
    private volatile boolean served;
    /** Egress thread only: a transfer was decided after this served call's end was published. */
    private boolean transferAfterEnd;
    private long nextAnnounceNs;
    private Hold hold = Hold.NONE;
    /**
     * The next agent of a warm transfer, rung by an originate while the caller stays with the first:
     * their endpoint, the unique id Loket gave the originated channel, and whether they answered.
     */
    record WarmLeg(String endpoint, String channelId, boolean answered) {
    }

    /** Guarded by {@code this}: the agent (endpoint) who stays on the line after a warm transfer, until the core releases them. */
    private String stayingEndpoint;
    /** Guarded by {@code this}: that warm transfer introduces: the next agent joins the call (three-way) instead of taking the caller over. */
    private boolean introducing;
    /** The dialled agent's channel, from the AMI's {@code DialEnd} (null when the AMI did not say): hung up when an introducer leaves from the desktop. */
    private volatile String agentChannel;
    /** Guarded by {@code this}: the warm transfer's next agent being rung or answered, not yet bridged; and how many were rung. */
    private WarmLeg warmLeg;
    private int warmLegs;
    private boolean redirectFailed;
    private int transits;
    private long wakeNs;

    CallSession(TelephonyGateway gateway, AgiChannel channel, String channelName, long contactId, String uniqueId,
                String number, long citizen) {
        this.gateway = gateway;
        this.calls = gateway.calls();
        this.settings = gateway.settings();
        this.channel = channel;
        this.channelName = channelName;
        this.contactId = contactId;
        this.uniqueId = uniqueId;
        this.number = number;
        this.citizen = citizen;
        this.pseudonym = org.loket.host.gateway.Pseudonyms.text(citizen);
        this.language = gateway.directory().language(0);
    }

    /**
     * Egress thread: one command's decisions for this contact (copies this session owns), each with
     * the directory in force on egress when it was released, handed over together. When the caller
     * is on hold and one of them needs it, the hold is ended by an AMI Redirect (sent on the action
     * executor: this never blocks). In a conversation, only a transfer acts at once: a cold one takes
     * the caller out of the agent's bridge; a warm one leaves the caller with the agent, and the next
     * agent's offer rings that agent's phone from here ({@link WarmLeg}) until they answer, or the
     * first agent leaves from the desktop ({@code TRANSFER_RELEASED}, left: out of the bridge, on hold).
     */
    void deliver(List<Mail> mails) {
        mailbox.addAll(mails);
        boolean wake = false;
        WarmLeg ring = null;
        long ringMs = 0;
        String hangUp = null;
        synchronized (this) {
            for (Mail m : mails) {
                Decision d = m.decision();
                switch (d.type) {
                    case TRANSFER_CONTACT -> {
                        if (warmLeg != null && warmLeg.answered() && hold == Hold.DIALLING) {
                            warmLeg = null; // an introduction's joined agent passes the caller on: their leg is only this call now
                        }
                        if ((d.flags & Decision.FLAG_WARM) != 0 && hold == Hold.DIALLING) {
                            stayingEndpoint = m.names().agentName(d.agentId); // the caller stays on the line with them
                            introducing = (d.flags & Decision.FLAG_INTRODUCE) != 0;
                        } else {
                            wake |= hold == Hold.DIALLING || hold == Hold.HOLDING;
                        }
                    }
                    case OFFER_CONTACT -> {
                        if (stayingEndpoint != null && hold == Hold.DIALLING) {
                            // Its own unique id, so Bridge() and Hangup can name the leg before Loket hears of it.
                            ring = warmLeg = new WarmLeg(m.names().agentName(d.agentId), LEG_PREFIX + contactId + LEG_MIDDLE + ++warmLegs + "-leg", false);
                            // a second before the offer runs out, as a dial half a second before (an originate takes longer to set up)
                            ringMs = offerEndsMs(d, m.names()) - System.currentTimeMillis() - 1_000;
                        } else {
                            wake |= hold == Hold.HOLDING;
                        }
                    }
                    case RETRACT_OFFER, END_CONTACT -> {
                        if (warmLeg != null && !warmLeg.answered()
                                && (d.type == DecisionType.END_CONTACT || warmLeg.endpoint().equals(m.names().agentName(d.agentId)))) {
                            hangUp = warmLeg.channelId(); // the next agent's phone stops ringing for a call that no longer waits for it
                            warmLeg = null;
                        }
                        wake |= hold == Hold.HOLDING && d.type == DecisionType.END_CONTACT;
                    }
                    case TRANSFER_RELEASED -> {
                        boolean staying = stayingEndpoint != null;
                        stayingEndpoint = null;
                        if (d.reason == ReleaseReason.RETURNED) {
                            // The agent who joined the introduction left it (hung up, or Leave on the desktop:
                            // then their phone is hung up here): the caller talks on with the introducer,
                            // whose channel is still this call's agent's. The core has the call back in the
                            // queue it came from (the decision's); nothing here keeps a talking call's queue
                            // (its END_CONTACT names it, for the wrap-up on the phone).
                            WarmLeg joined = answeredLeg();
                            if (joined != null && joined.endpoint().equals(m.names().agentName(d.agentId))) {
                                hangUp = joined.channelId();
                                warmLeg = null;
                                calls.counters.introductionsReturned.incrementAndGet();
                            }
                        } else if (staying && d.reason == ReleaseReason.INTRODUCED && hold == Hold.DIALLING && answeredLeg() != null) {
                            // The introduction is over: the introducer's phone is hung up (from the desktop's
                            // Leave; gone already when they hung up), and Asterisk keeps the caller and the
                            // next agent in the call's bridge: their leg is this call's agent from now on.
                            hangUp = agentChannel;
                            agentChannel = warmLeg.channelId();
                            warmLeg = null;
                            calls.counters.warmTransfers.incrementAndGet();
                        } else {
                            wake |= staying && (d.reason == ReleaseReason.LEFT || d.reason == ReleaseReason.INTRODUCED)
                                    && hold == Hold.DIALLING;
                        }
                        introducing = false;
                    }
                    default -> wake |= hold == Hold.HOLDING && needsTheCaller(d);
                }
            }
            if (wake) {
                wakeNs = System.nanoTime();
                hold = Hold.WAKING;
                redirectFailed = false;
            }
        }
        if (ring != null) {
            gateway.ringWarmLeg(contactId, ring, Math.max(1_000, ringMs));
        }
        if (hangUp != null) {
            gateway.hangUpChannel(hangUp);
        }
        if (wake) {
            gateway.wake(this);
        }
    }

    /** A decision the caller must hear or act on now (a held caller's hold is ended for it). */
    private static boolean needsTheCaller(Decision d) {
        DecisionType type = d.type;
        return type == DecisionType.OFFER_CONTACT || type == DecisionType.END_CONTACT || type == DecisionType.TRANSFER_CONTACT
                || type == DecisionType.CALLBACK_SCHEDULED || type == DecisionType.PLAY_PROMPT || offersCallback(d);
    }

    /** An escalation step, or a deflection of a slow queue, that asks to offer the waiting caller a callback now. */
    static boolean offersCallback(Decision d) {
        return (d.type == DecisionType.ESCALATE || d.type == DecisionType.DEFLECT)
                && d.reason == EscalationStep.Action.OFFER_CALLBACK.code();
    }

    String channelName() {
        return channelName;
    }

    /**
     * AMI action thread: the Redirect was refused or could not be sent. On hold, the session takes
     * the decision itself when its digit wait ends; in transit (its AGI ended), the channel is gone:
     * the caller hung up, an abandon now.
     */
    void redirectFailed() {
        boolean abandon;
        synchronized (this) {
            redirectFailed = true;
            abandon = hold == Hold.TRANSIT;
            if (abandon) {
                hold = Hold.GONE;
            }
        }
        if (abandon) {
            hungUp();
            unregister();
        }
    }

    /** AMI reader thread: the dialled agent answered on {@code agentChannel} (null: not known); tells the core at once. */
    void agentAnswered(String agentChannel) {
        if (agentChannel != null) {
            this.agentChannel = agentChannel;
        }
        String endpoint = offeredEndpoint;
        if (endpoint != null && accepted.compareAndSet(false, true)) {
            calls.publish(Calls.Out.offer(CommandType.OFFER_ACCEPTED, contactId, agentNow(endpoint)));
        }
    }

    /** What a warm transfer's answered leg does: hang up (the call no longer waits for it), wait for the caller's bridge, or join the caller's call. */
    enum LegRole { LOST, AWAIT_BRIDGE, JOIN }

    /**
     * The warm transfer's next agent answered the originated call ({@link WarmLegSession}, on that
     * channel's AGI thread): the core hears they accepted, and the caller leaves the first agent's
     * bridge (or the hold) for this session's {@link #bridge}; or, for an introduction while the
     * first agent is still on the line, the next agent joins that call ({@link LegRole#JOIN}).
     *
     * @return {@link LegRole#LOST} when this call no longer waits for that agent (the caller left, the offer went)
     */
    LegRole warmAnswered(String endpoint) {
        boolean wake;
        boolean join;
        synchronized (this) {
            if (warmLeg == null || !warmLeg.endpoint().equals(endpoint) || hold == Hold.GONE || ended) {
                return LegRole.LOST;
            }
            warmLeg = new WarmLeg(endpoint, warmLeg.channelId(), true);
            join = introducing && stayingEndpoint != null && hold == Hold.DIALLING;
            wake = !join && (hold == Hold.DIALLING || hold == Hold.HOLDING);
            if (wake) {
                wakeNs = System.nanoTime();
                hold = Hold.WAKING;
                redirectFailed = false;
            }
        }
        calls.publish(Calls.Out.offer(CommandType.OFFER_ACCEPTED, contactId, agentNow(endpoint)));
        if (wake) {
            gateway.wake(this);
        }
        if (join) {
            calls.counters.introductions.incrementAndGet();
            LOG.info("call {} (caller {}): {} joins the call (an introduction)", contactId, pseudonym, endpoint);
            String introducer = agentChannel;
            if (introducer != null) {
                gateway.watchIntroducer(this, introducer);
            } else {
                LOG.warn("call {}: the introducer's channel is not known (no DialEnd): their hang-up is noticed when the call ends", contactId);
            }
        }
        return join ? LegRole.JOIN : LegRole.AWAIT_BRIDGE;
    }

    /** Whether the first agent of an introduction is still with the caller (not released, not left). */
    synchronized boolean introducerOnTheLine() {
        return introducing && stayingEndpoint != null && !ended && hold == Hold.DIALLING;
    }

    /**
     * The introducer's phone hung up ({@link TelephonyGateway#watchIntroducer}): Asterisk keeps the
     * caller and the next agent talking in the call's bridge, and the core hears the introducer left.
     */
    void introducerHungUp() {
        String endpoint;
        synchronized (this) {
            if (!introducerOnTheLine()) {
                return;
            }
            endpoint = stayingEndpoint;
        }
        LOG.info("call {} (caller {}): {} hung up after introducing the caller", contactId, pseudonym, endpoint);
        calls.publish(Calls.Out.offer(CommandType.TRANSFER_LEFT, contactId, agentNow(endpoint)));
    }

    /**
     * The agent who joined this call's introduction hung up ({@link WarmLegSession}: their leg left
     * the bridge) while the introducer is still on: Asterisk keeps the caller and the introducer
     * talking, and the core hears the joined agent left ({@code TRANSFER_LEFT} naming them: the call
     * is the introducer's again). Nothing when the introduction is already over, e.g. the caller
     * hung up (their own session ends the call).
     */
    void joinedAgentHungUp(String endpoint) {
        String introducer;
        synchronized (this) {
            WarmLeg joined = answeredLeg();
            if (!introducerOnTheLine() || joined == null || !joined.endpoint().equals(endpoint)) {
                return;
            }
            introducer = stayingEndpoint;
        }
        LOG.info("call {} (caller {}): {} hung up during the introduction; the caller stays with {}", contactId, pseudonym, endpoint,
                introducer);
        calls.publish(Calls.Out.offer(CommandType.TRANSFER_LEFT, contactId, agentNow(endpoint)));
    }

    /** Whether this call still wants the answered leg of {@code endpoint} (its caller's bridge is still to take it). */
    synchronized boolean awaitsLeg(String endpoint) {
        return warmLeg != null && warmLeg.answered() && warmLeg.endpoint().equals(endpoint) && !ended && hold != Hold.GONE;
    }

    /**
     * AMI reader thread: the ring of the warm transfer's next agent ended without an answer
     * ({@code dialStatus}: the leg's {@code DialEnd}; Asterisk 22's {@code OriginateResponse} says
     * reason 0 for a busy phone, so it cannot tell). Refused (busy, congestion, unavailable): the
     * agent is made not ready and the offer goes back, as for a dialled agent who rejects; not
     * answered ({@code NOANSWER}, {@code CANCEL}): the core's offer timer retracts it.
     */
    void warmLegEnded(String channelId, String dialStatus) {
        if (!refused(dialStatus)) {
            return; // answered (its AGI session says so) or rang out (the offer timer's)
        }
        WarmLeg leg;
        synchronized (this) {
            if (warmLeg == null || warmLeg.answered() || !warmLeg.channelId().equals(channelId)) {
                return;
            }
            leg = warmLeg;
            warmLeg = null;
        }
        ringRefused(leg.endpoint(), dialStatus);
    }

    /**
     * The agent's phone refused this call's ring (a dial's or a warm transfer's leg): the agent is
     * made not ready at once and the offer goes back, without waiting for the core's offer timer.
     */
    private void ringRefused(String endpoint, String dialStatus) {
        LOG.info("call {}: agent {} refused the ring ({})", contactId, endpoint, dialStatus);
        calls.counters.ringsRefused.incrementAndGet();
        int agentId = agentNow(endpoint);
        calls.publishAgentState(agentId, AgentState.PAUSED, PauseReason.NO_ANSWER);
        calls.publish(Calls.Out.offer(CommandType.OFFER_DECLINED, contactId, agentId));
    }

    /** A ring that ended so (a {@code DIALSTATUS}) was refused by the agent's phone: busy, congestion, unavailable, not only unanswered. */
    static boolean refused(String dialStatus) {
        return !"ANSWER".equals(dialStatus) && !"NOANSWER".equals(dialStatus) && !"CANCEL".equals(dialStatus);
    }

    /** @return the contact a warm transfer's leg id ({@code loket-CONTACT-warm-N-leg}) names, or -1 for any other id */
    static long contactOfWarmLeg(String channelId) {
        if (channelId == null || !channelId.startsWith(LEG_PREFIX) || !channelId.contains(LEG_MIDDLE)) {
            return -1;
        }
        try {
            return Long.parseLong(channelId.substring(LEG_PREFIX.length(), channelId.indexOf(LEG_MIDDLE)));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The warm transfer's next agent who answered and waits to be bridged, or null. */
    private synchronized WarmLeg answeredLeg() {
        return warmLeg != null && warmLeg.answered() ? warmLeg : null;
    }

    /** The agent's id in the configuration in force now: a command is read with the ids of the moment it is published. */
    private int agentNow(String endpoint) {
        return gateway.directory().agent(endpoint);
    }

    /** Runs the call until it ends, is handed to the fallback route, or is kept for a callback. */
    void run(int entryId, TelephonyGateway.AgiSocket agiSocket) throws AgiException {
        socket = agiSocket;
        calls.byContact.put(contactId, this);
        calls.byUniqueId.put(uniqueId, this);
        arrivedNs = System.nanoTime();
        // A caller who talked to an agent a short while ago names them: the queue decides how long to wait for them.
        String lastAgent = calls.lastAgents.recent(pseudonym, System.currentTimeMillis(), settings.lastAgentMs());
        int preferredAgent = lastAgent == null ? -1 : agentNow(lastAgent);
        if (!calls.publish(new Calls.Out(CommandType.CONTACT_ARRIVED, contactId, preferredAgent, entryId, -1, -1, -1, citizen))) {
            try {
                fallback("ring full");
            } finally {
                unregister();
            }
            return;
        }
        awaitEngine();
        drive();
    }

    /**
     * A new AGI session of this call after a Redirect ended the hold: carries on where the last one
     * left off. @return false when the call was not in transit (the dialplan then takes the fallback)
     */
    boolean resume(AgiChannel next, TelephonyGateway.AgiSocket nextSocket) throws AgiException {
        synchronized (this) {
            if (hold != Hold.TRANSIT) {
                return false;
            }
            hold = Hold.NONE;
            channel = next;
            socket = nextSocket;
        }
        calls.counters.handoverUs.recordValue((System.nanoTime() - wakeNs) / 1_000);
        drive();
        return true;
    }

    private void drive() throws AgiException {
        boolean redirected = false;
        try {
            loop();
        } catch (Redirected e) {
            redirected = true;
        } catch (AgiHangupException e) {
            hungUp();
        } catch (AgiException | RuntimeException e) {
            calls.counters.agiErrors.incrementAndGet();
            LOG.warn("call {} (caller {}): AGI failed in phase {}: {}", contactId, pseudonym, phase, e.toString());
            hungUp();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            hungUp();
        } finally {
            if (redirected) {
                inTransit(); // before the socket closes: the next AGI session may start at once
                closeSocket();
            } else {
                synchronized (this) {
                    hold = Hold.GONE;
                }
                unregister();
            }
        }
    }

    /**
     * Loket is done with the call: marks it so ({@code LOKET_DONE}), and the dialplan's {@code done}
     * label hangs up. The session's socket closes at once: no {@code HANGUP} command and no closing
     * status exchange of asterisk-java ({@code SET VARIABLE AJ_AGISTATUS}), two AGI round trips (and
     * two thread wake-ups on each side) less per call. Asterisk reads the closed socket as the
     * script's normal end.
     */
    private void finish() throws AgiException {
        channel.setVariable(DONE_VARIABLE, "1");
        closeSocket();
    }

    /** Ends this AGI session now: Asterisk follows the Redirect (or the dialplan) without waiting for asterisk-java's goodbye. */
    private void closeSocket() {
        if (socket != null) {
            try {
                socket.close();
            } catch (java.io.IOException e) {
                // closed either way
            }
        }
    }

    /** The call leaves this adapter: a warm transfer's next agent still rung for it, or waiting for it, is hung up. */
    private void unregister() {
        if (!served) {
            calls.byContact.remove(contactId, this);
        }
        calls.byUniqueId.remove(uniqueId, this);
        String leg;
        synchronized (this) {
            leg = warmLeg == null ? null : warmLeg.channelId();
            warmLeg = null;
        }
        if (leg != null) {
            gateway.hangUpChannel(leg);
        }
    }

    /** Whether this call was answered and its end published, and the core's decision on it is still to come. */
    boolean served() {
        return served;
    }

    /**
     * Egress thread: a decision for a served call (its session is over). The core ends the contact,
     * or refuses the end because the agent's transfer came just before it: the contact then waits in
     * its new queue for a caller the dialplan has hung up, and is closed as abandoned.
     */
    void afterServed(Decision d) {
        if (d.type == DecisionType.TRANSFER_CONTACT) {
            transferAfterEnd = true;
        } else if (d.type == DecisionType.END_CONTACT || d.type == DecisionType.REJECT_COMMAND
                && (d.commandType == CommandType.CONTACT_ENDED.code() || d.commandType == CommandType.CONTACT_ABANDONED.code())) {
            calls.byContact.remove(contactId, this);
            if (d.type == DecisionType.REJECT_COMMAND && transferAfterEnd) {
                calls.counters.transfersLost.incrementAndGet();
                LOG.info("call {} (caller {}): transferred as the call ended; abandoned", contactId, pseudonym);
                // not from the egress thread: a publisher may run the core's turn and hand out itself
                gateway.actions().execute(() -> calls.publish(Calls.Out.of(CommandType.CONTACT_ABANDONED, contactId)));
            }
        }
    }

    /**
     * This AGI session ends; the dialplan opens the next one in a few ms. Should it never come (the
     * caller hung up in between, the AGI connection failed), the call is closed as an abandon after
     * {@code engineTimeoutMs}.
     */
    private void inTransit() {
        int transit;
        synchronized (this) {
            if (redirectFailed) {
                // The Redirect failed yet the channel left this session: it hung up.
                hold = Hold.GONE;
                transit = -1;
            } else {
                hold = Hold.TRANSIT;
                transit = ++transits;
            }
        }
        if (transit < 0) {
            hungUp();
            unregister();
            return;
        }
        calls.counters.handovers.incrementAndGet();
        gateway.actions().execute(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(settings.engineTimeoutMs());
            } catch (InterruptedException e) {
                return;
            }
            boolean lost;
            synchronized (this) {
                lost = hold == Hold.TRANSIT && transits == transit;
                if (lost) {
                    hold = Hold.GONE;
                }
            }
            if (lost) {
                calls.counters.handoversLost.incrementAndGet();
                LOG.warn("call {} (caller {}): no AGI session resumed the call after its hold; abandoned", contactId, pseudonym);
                hungUp();
                unregister();
            }
        });
    }

    private void loop() throws AgiException, InterruptedException, Redirected {
        while (true) {
            Mail d = mailbox.poll();
            if (d == null) {
                switch (phase) {
                    case AWAITING_ENGINE, FINISHING -> {
                        long waitNs = engineDeadlineNs - System.nanoTime();
                        d = waitNs > 0 ? mailbox.poll(waitNs) : null;
                        if (d == null) {
                            calls.counters.engineTimeouts.incrementAndGet();
                            fallback("engine did not answer within " + settings.engineTimeoutMs() + " ms");
                            return;
                        }
                    }
                    case SELF_SERVICE -> {
                        if (System.nanoTime() > engineDeadlineNs) {
                            // The core re-prompts or moves on when the input timeout passes; silence
                            // beyond that means the engine stopped deciding.
                            calls.counters.engineTimeouts.incrementAndGet();
                            fallback("no decision after the menu's input timeout");
                            return;
                        }
                        char digit = channel.waitForDigit(settings.waitPollMs());
                        if (digit != 0) {
                            input(digit);
                        }
                        continue;
                    }
                    case WAITING -> {
                        WarmLeg leg = answeredLeg();
                        if (leg != null) {
                            if (!bridge(leg)) {
                                return;
                            }
                            continue;
                        }
                        holdASlice();
                        continue;
                    }
                }
            }
            if (!handle(d)) {
                return;
            }
        }
    }

    /** @return false when the session is over */
    private boolean handle(Mail mail) throws AgiException, Redirected {
        Decision d = mail.decision();
        Directory names = mail.names();
        switch (d.type) {
            case PLAY_PROMPT -> {
                language = names.language(d.languageId);
                String prompt = names.prompt(d.promptId);
                if ((d.flags & Decision.FLAG_FINAL) != 0) {
                    music(false); // a waiting caller closed by an escalation step hears the message, not the music
                    channel.streamFile(path(prompt));
                    phase = Phase.FINISHING;
                    awaitEngine();
                } else if (mailbox.isEmpty()) {
                    // A newer decision already waiting supersedes this prompt (the core re-prompted).
                    char digit = channel.streamFile(path(prompt), DIGITS);
                    if (digit != 0) {
                        input(digit);
                    } else {
                        // Heard to the end: the menu's input time counts from now, not from the decision.
                        calls.publish(new Calls.Out(CommandType.PROMPT_PLAYED, contactId, -1, -1, d.nodeId, -1, -1));
                        phase = Phase.SELF_SERVICE;
                        engineDeadlineNs = System.nanoTime()
                                + (names.inputTimeoutMs(d.nodeId) + settings.engineTimeoutMs()) * 1_000_000L;
                    }
                }
            }
            case QUEUE_CONTACT -> {
                if (mailbox.isEmpty()) {
                    startWaiting(true);
                } else {
                    phase = Phase.WAITING; // an offer is right behind: no hold music to start and stop
                }
            }
            case OFFER_CONTACT -> {
                if (isWarmLeg(d, names)) {
                    // Rung by an originate while the caller stayed with the first agent: bridged once it answers.
                    if (answeredLeg() == null) {
                        startWaiting(false);
                    } else {
                        phase = Phase.WAITING;
                    }
                    return true;
                }
                return dial(d, names);
            }
            case ESCALATE, DEFLECT -> {
                if (offersCallback(d) && phase == Phase.WAITING && mailbox.isEmpty()) {
                    offerCallback();
                }
                // Widen and overflow change nothing the caller hears (the board follows an overflow);
                // a close step's final prompt and end follow as their own decisions.
            }
            case CALLBACK_SCHEDULED -> {
                ended = true;
                music(false);
                calls.callbackScheduled(contactId, new Calls.Callback(number, pseudonym));
                channel.streamFile(path(PhonePrompts.CALLBACK_CONFIRMED));
                LOG.info("call {} (caller {}): callback scheduled, keeps its place", contactId, pseudonym);
                finish();
                return false;
            }
            case END_CONTACT -> {
                ended = true;
                music(false);
                finish();
                return false;
            }
            case REJECT_COMMAND -> {
                calls.counters.rejected.incrementAndGet();
                if (d.commandType == CommandType.CONTACT_ARRIVED.code()) {
                    fallback("the engine refused the contact (reason " + d.reason + ")");
                    return false;
                }
                LOG.info("call {}: command {} refused (reason {})", contactId, CommandType.ofCode(d.commandType), d.reason);
            }
            default -> {
                // RETRACT_OFFER: the dial already ended (its timeout is shorter than the offer's);
                // TRANSFER_CONTACT: acted on when it ended the dial (deliver, transferred); the
                // QUEUE_CONTACT behind it starts the new queue's hold.
            }
        }
        return true;
    }

    private void input(char digit) {
        int input = digit == '*' ? 10 : digit == '#' ? 11 : digit - '0';
        if (calls.publish(new Calls.Out(CommandType.SELF_SERVICE_INPUT, contactId, -1, -1, input, -1, -1))) {
            phase = Phase.AWAITING_ENGINE;
            awaitEngine();
        }
    }

    private void awaitEngine() {
        engineDeadlineNs = System.nanoTime() + settings.engineTimeoutMs() * 1_000_000L;
        if (phase != Phase.FINISHING) {
            phase = Phase.AWAITING_ENGINE;
        }
    }

    private void startWaiting(boolean fresh) throws AgiException {
        phase = Phase.WAITING;
        if (fresh && settings.announceEveryMs() > 0) {
            nextAnnounceNs = System.nanoTime() + Math.min(settings.announceEveryMs(), 5_000) * 1_000_000L;
        }
        music(true);
    }

    /**
     * Hold music and one digit wait until the next announcement (at most {@code holdCheckMs}), ended
     * early by a digit or by the Redirect {@link #deliver} sends; now and then the position, the wait
     * and the callback offer.
     */
    private void holdASlice() throws AgiException, InterruptedException, Redirected {
        if (settings.announceEveryMs() > 0 && System.nanoTime() >= nextAnnounceNs) {
            nextAnnounceNs = System.nanoTime() + settings.announceEveryMs() * 1_000_000L;
            music(false);
            char digit = announce();
            if (digit != 0 && requestCallback(digit)) {
                return;
            }
            if (mailbox.isEmpty()) {
                music(true);
            }
            return;
        }
        long sliceMs = settings.holdCheckMs();
        if (settings.announceEveryMs() > 0) {
            sliceMs = Math.max(1, Math.min(sliceMs, (nextAnnounceNs - System.nanoTime()) / 1_000_000L + 1));
        }
        synchronized (this) {
            if (!mailbox.isEmpty() || answeredLeg() != null) {
                return;
            }
            hold = Hold.HOLDING;
        }
        int result = waitForDigit(sliceMs);
        synchronized (this) {
            if (hold == Hold.HOLDING) {
                hold = Hold.NONE;
                if (result < 0) {
                    throw new AgiHangupException();
                }
                if (result > 0) {
                    requestCallback((char) result);
                }
                return;
            }
        }
        // A Redirect is on its way (WAKING): a digit pressed meanwhile loses to the offer.
        if (result < 0) {
            throw new Redirected();
        }
        awaitRedirect();
    }

    /**
     * The hold ended by itself while a Redirect was on its way: wait for it to take the channel, in
     * short digit waits, unless it failed or does not arrive within {@code engineTimeoutMs}; then
     * this session takes the decision itself.
     */
    private void awaitRedirect() throws AgiException, Redirected {
        long deadlineNs = System.nanoTime() + settings.engineTimeoutMs() * 1_000_000L;
        while (true) {
            synchronized (this) {
                if (redirectFailed || System.nanoTime() > deadlineNs) {
                    hold = Hold.NONE;
                    calls.counters.handoversFailed.incrementAndGet();
                    return;
                }
            }
            if (waitForDigit(50) < 0) {
                throw new Redirected();
            }
        }
    }

    /** @return the digit, 0 when none came, -1 when the channel left (hung up or redirected) */
    private int waitForDigit(long ms) throws AgiException {
        AgiReply reply;
        try {
            reply = channel.sendCommand(new WaitForDigitCommand(ms));
        } catch (AgiHangupException e) {
            return -1;
        }
        if (reply == null) {
            return 0;
        }
        int code = reply.getResultCode();
        return code < 0 ? -1 : code;
    }

    private char announce() throws AgiException {
        String escape = callbackDigit();
        int position = calls.board.position(contactId);
        char digit = 0;
        if (position > 0 && mailbox.isEmpty()) {
            digit = play(PhonePrompts.QUEUE_POSITION, escape);
            if (digit == 0) {
                digit = number(position, escape);
            }
            long waitMs = calls.board.estimatedWaitMs(contactId, System.currentTimeMillis() * 1_000_000L);
            if (digit == 0 && waitMs >= 60_000 && mailbox.isEmpty()) {
                digit = play(PhonePrompts.QUEUE_WAIT, escape);
                if (digit == 0) {
                    digit = number((int) Math.min(99, (waitMs + 30_000) / 60_000), escape);
                }
                if (digit == 0) {
                    digit = play(PhonePrompts.QUEUE_MINUTES, escape);
                }
            }
        }
        if (digit == 0 && !escape.isEmpty() && mailbox.isEmpty()) {
            digit = play(PhonePrompts.CALLBACK_OFFER, escape);
        }
        return digit;
    }

    /**
     * An escalation step offers the waiting caller a callback now: the same offer as the periodic
     * announcement's ("press 1 ..."), then the hold goes on unless the caller took it.
     */
    private void offerCallback() throws AgiException {
        String escape = callbackDigit();
        if (escape.isEmpty()) {
            return; // this site offers no callbacks, or not to this number
        }
        calls.counters.callbackOffers.incrementAndGet();
        music(false);
        char digit = play(PhonePrompts.CALLBACK_OFFER, escape);
        if (digit != 0 && requestCallback(digit)) {
            return;
        }
        if (mailbox.isEmpty()) {
            music(true);
        }
    }

    /** The key this caller presses for a callback, or empty: the site offers none, or not to this caller's number. */
    private String callbackDigit() {
        return settings.mayCallBack(number) ? settings.callbackDigit() : "";
    }

    private boolean requestCallback(char digit) {
        String escape = callbackDigit();
        if (escape.isEmpty() || digit != escape.charAt(0)) {
            return false;
        }
        if (calls.publish(Calls.Out.of(CommandType.CALLBACK_REQUESTED, contactId))) {
            phase = Phase.AWAITING_ENGINE;
            awaitEngine();
            return true;
        }
        return false;
    }

    /**
     * Rings the offered agent's phone; returns when the conversation or the ringing ends. The ring
     * stops half a second before the core's offer runs out, so its retraction never races an answer.
     */
    private boolean dial(Decision offer, Directory names) throws AgiException, Redirected {
        long nowNs = System.nanoTime();
        if (musicOn && nowNs - musicStartedNs < 20_000_000L) {
            calls.counters.briefHolds.incrementAndGet();
        }
        if (arrivedNs != 0) {
            calls.counters.arrivalToDialUs.recordValue((nowNs - arrivedNs) / 1_000);
            arrivedNs = 0;
        }
        music(false);
        long ringMs = offerEndsMs(offer, names) - System.currentTimeMillis() - 500;
        String endpoint = names.agentName(offer.agentId);
        if (ringMs < 500) {
            // Too late to ring well (the session was busy): hand the offer back; the core may offer again.
            calls.counters.lateOffers.incrementAndGet();
            calls.publish(Calls.Out.offer(CommandType.OFFER_DECLINED, contactId, agentNow(endpoint)));
            calls.board.returned(contactId);
            startWaiting(false);
            return true;
        }
        offeredEndpoint = endpoint;
        agentChannel = null;
        accepted.set(false);
        synchronized (this) {
            hold = Hold.DIALLING;
        }
        // g: when the agent hangs up, the caller stays in this session (a warm transfer's caller waits on)
        int result = channel.exec("Dial", "PJSIP/" + endpoint + "," + (ringMs / 1000) + "." + (ringMs % 1000 / 100) + ",g");
        Talk talk = talkEnded(result);
        // The AMI's DialEnd already said ANSWER for most answered calls: one AGI round trip (a wake-up
        // of Asterisk's channel thread, Loket's poller and a carrier) less per call. Otherwise ask.
        String status = accepted.get() || talk.transferred() ? "ANSWER" : channel.getVariable("DIALSTATUS");
        if ("ANSWER".equals(status)) {
            agentAnswered(null); // when the AMI event was missed (e.g. AMI reconnecting)
            calls.lastAgents.remember(pseudonym, endpoint, System.currentTimeMillis(), settings.lastAgentMs());
            offeredEndpoint = null;
            return talked(endpoint, talk, false);
        }
        offeredEndpoint = null;
        if (refused(status)) {
            ringRefused(endpoint, status);
            calls.board.returned(contactId);
        }
        // NOANSWER: the core's offer timer retracts the offer and pauses the agent.
        startWaiting(false);
        return true;
    }

    /**
     * How a conversation (a Dial or a Bridge) ended: a Redirect took the caller away (a transfer, a
     * warm transfer's next agent answering, or its first agent leaving), or the agent who stayed
     * after a warm transfer hung up (or the caller did, {@code callerGone}, while it stayed).
     */
    private record Talk(boolean transferred, String stayingEndpoint, boolean callerGone) {
    }

    /** Session thread: the Dial or Bridge returned ({@code result} -1: the caller hung up). */
    private Talk talkEnded(int result) {
        synchronized (this) {
            boolean transferred = hold == Hold.WAKING; // a Redirect ended the conversation, or is on its way
            if (!transferred) {
                hold = Hold.NONE;
            }
            String staying = transferred ? null : stayingEndpoint;
            stayingEndpoint = null;
            introducing = false;
            return new Talk(transferred, staying, result < 0);
        }
    }

    /**
     * After a conversation with {@code endpoint}: the caller moves on after a transfer, waits on
     * when the first agent of a warm transfer hung up, or the call is done.
     *
     * @param bridged a warm transfer's Bridge (the dialplan's DIALSTATUS says nothing of it)
     * @return true: the session goes on
     */
    private boolean talked(String endpoint, Talk talk, boolean bridged) throws AgiException, Redirected {
        if (talk.transferred()) {
            return transferred();
        }
        WarmLeg joined = answeredLeg();
        if (joined != null) {
            return introduced(talk, joined);
        }
        if (talk.stayingEndpoint() != null) {
            return firstAgentLeft(talk.stayingEndpoint(), talk.callerGone());
        }
        connected = true;
        calls.counters.answered.incrementAndGet();
        CommandType end = retractedMeanwhile(endpoint) ? CommandType.CONTACT_ABANDONED : CommandType.CONTACT_ENDED;
        // Kept where the gateway finds it until the core took the end: a transfer decided just before
        // it (TelephonyGateway.onDecision) would otherwise leave the contact waiting for nobody.
        served = true; // before the publish: its decisions may be handed out before it returns
        served = calls.publish(Calls.Out.of(end, contactId));
        if (bridged) {
            try {
                finish(); // the next agent hung up: the dialplan hangs up the caller too
            } catch (AgiHangupException e) {
                // the caller hung up first
            }
        } else {
            closeSocket(); // served: the dialplan hangs up on DIALSTATUS=ANSWER (AsteriskConfigWriter.DONE_CONDITION)
        }
        return false;
    }

    /**
     * The agent who stayed with the caller after a warm transfer hung up before the next agent
     * answered: the caller, still here, waits on hold in the new queue, and the core hears the agent
     * left ({@code TRANSFER_LEFT}). A caller who hung up meanwhile (the Dial said so, or the hold
     * music cannot start) abandons in the new queue, where the core has the contact waiting.
     */
    private boolean firstAgentLeft(String endpoint, boolean callerGone) throws AgiException {
        accepted.set(false);
        if (callerGone) {
            throw new AgiHangupException();
        }
        startWaiting(false);
        LOG.info("call {} (caller {}): {} hung up after a warm transfer; the caller waits for the next agent", contactId, pseudonym, endpoint);
        calls.counters.warmFirstAgentHungUp.incrementAndGet();
        calls.publish(Calls.Out.offer(CommandType.TRANSFER_LEFT, contactId, agentNow(endpoint)));
        return true;
    }

    /**
     * The caller's Dial returned while an introduction was still on (before the core released the
     * introducer): a bridge that broke up when one of the three hung up. Asterisk 22 keeps the bridge
     * when the introducer hangs up, so this is the next agent hanging up, or a bridge that dissolves
     * on any hang-up. The core hears the introducer left, and the caller, still here, is bridged with
     * the next agent's leg; a next agent who hung up makes that bridge fail, which ends the conversation.
     */
    private boolean introduced(Talk talk, WarmLeg joined) throws AgiException, Redirected {
        agentChannel = null;
        if (talk.callerGone()) {
            throw new AgiHangupException(); // an end (the next agent accepted); the leg is hung up as the call leaves
        }
        if (talk.stayingEndpoint() != null) {
            calls.publish(Calls.Out.offer(CommandType.TRANSFER_LEFT, contactId, agentNow(talk.stayingEndpoint())));
        }
        return bridge(joined);
    }

    /** When the core's offer runs out (epoch ms): a ring stops before it, so the offer's retraction never races an answer. */
    private static long offerEndsMs(Decision offer, Directory names) {
        return offer.timestampNs / 1_000_000L + names.queue(offer.queueId).offerTimeoutMs();
    }

    /** Whether this offer is the one a warm transfer's originate rings (its agent's endpoint is the leg's). */
    private synchronized boolean isWarmLeg(Decision offer, Directory names) {
        return warmLeg != null && warmLeg.endpoint().equals(names.agentName(offer.agentId));
    }

    /**
     * The warm transfer's next agent answered: their channel (waiting in {@link WarmLegSession}) is
     * bridged with the caller's; the conversation runs as a dialled one would, and a later transfer
     * ends it the same way.
     */
    private boolean bridge(WarmLeg leg) throws AgiException, Redirected {
        music(false);
        accepted.set(true); // a hang-up now ends a conversation, not an abandon
        synchronized (this) {
            warmLeg = null;
            hold = Hold.DIALLING;
        }
        calls.counters.warmTransfers.incrementAndGet();
        agentChannel = leg.channelId(); // AMI Hangup finds a channel by its unique id too
        LOG.info("call {} (caller {}): bridged with {} after a warm transfer", contactId, pseudonym, leg.endpoint());
        // x: the agent's channel hangs up when the conversation ends, instead of going back to its dialplan
        int result = channel.exec("Bridge", leg.channelId() + ",x");
        Talk talk = talkEnded(result);
        if (result >= 0 && !talk.transferred() && talk.stayingEndpoint() == null && !"SUCCESS".equals(channel.getVariable("BRIDGERESULT"))) {
            calls.counters.warmLegsLost.incrementAndGet();
            LOG.warn("call {} (caller {}): the bridge with {} failed (their phone hung up?)", contactId, pseudonym, leg.endpoint());
        }
        calls.lastAgents.remember(pseudonym, leg.endpoint(), System.currentTimeMillis(), settings.lastAgentMs());
        return talked(leg.endpoint(), talk, true);
    }

    /**
     * An agent transferred the answered call: its Redirect to {@code loket-resume} ended the Dial (or
     * the conversation ended as it was sent). The caller now waits in the new queue: this session
     * hands over to the next AGI session, or, when the Redirect failed, goes on with the caller here.
     * @return true: the session goes on
     */
    private boolean transferred() throws AgiException, Redirected {
        calls.counters.transfers.incrementAndGet();
        accepted.set(false);
        LOG.info("call {} (caller {}): transferred by its agent", contactId, pseudonym);
        awaitRedirect();
        startWaiting(false); // the Redirect failed: the caller, still here, waits on this session's hold
        return true;
    }

    /**
     * Whether the core retracted the offer before the answer reached it (a race the shortened ring
     * makes rare): then the conversation happened outside the core's offer and the contact, back in
     * its queue there, is closed as abandoned so it still ends with a recorded outcome.
     */
    private boolean retractedMeanwhile(String endpoint) {
        for (Mail m : mailbox.pending()) {
            Decision d = m.decision();
            if (d.type == DecisionType.RETRACT_OFFER && endpoint.equals(m.names().agentName(d.agentId))) {
                calls.counters.answeredAfterRetraction.incrementAndGet();
                LOG.warn("call {}: agent answered after the offer was retracted", contactId);
                return true;
            }
        }
        return false;
    }

    /** The caller is gone: an abandon (or the end of a conversation) with the time it was noticed. */
    private synchronized void hungUp() {
        if (ended) {
            return;
        }
        ended = true;
        if (connected || accepted.get() || answeredLeg() != null) { // the next agent of a warm transfer accepted it
            if (!connected) {
                calls.publish(Calls.Out.of(CommandType.CONTACT_ENDED, contactId));
            }
            return;
        }
        calls.counters.abandons.incrementAndGet();
        calls.publish(Calls.Out.of(CommandType.CONTACT_ABANDONED, contactId));
    }

    /**
     * Hands the call to the dialplan's fallback route. The engine may still hold the contact: it is
     * marked abandoned there, so every contact ends with a recorded outcome.
     */
    private void fallback(String why) {
        calls.counters.fallbacks.incrementAndGet();
        LOG.warn("call {} (caller {}): fallback route: {}", contactId, pseudonym, why);
        ended = true;
        try {
            music(false);
        } catch (AgiException e) {
            // the dialplan continues either way
        }
        calls.publish(Calls.Out.of(CommandType.CONTACT_ABANDONED, contactId));
    }

    private void music(boolean on) throws AgiException {
        if (on != musicOn) {
            if (on) {
                musicStartedNs = System.nanoTime();
                channel.playMusicOnHold();
            } else {
                channel.stopMusicOnHold();
            }
            musicOn = on;
        }
    }

    private char play(String prompt, String escape) throws AgiException {
        return channel.streamFile(path(prompt), escape);
    }

    private char number(int n, String escape) throws AgiException {
        if (n >= 0 && n <= 99) {
            return play("number-" + n, escape);
        }
        return channel.sayNumber(Integer.toString(n), escape);
    }

    private String path(String prompt) {
        return settings.soundsDir() + "/" + language + "/" + prompt;
    }
}
