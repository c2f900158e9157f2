package org.loket.telephony;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerEventListener;
import org.asteriskjava.manager.ResponseEvents;
import org.asteriskjava.manager.action.DbDelAction;
import org.asteriskjava.manager.action.DbPutAction;
import org.asteriskjava.manager.action.GetVarAction;
import org.asteriskjava.manager.action.HangupAction;
import org.asteriskjava.manager.action.ManagerAction;
import org.asteriskjava.manager.action.OriginateAction;
import org.asteriskjava.manager.action.PJSipShowEndpointsAction;
import org.asteriskjava.manager.action.RedirectAction;
import org.asteriskjava.manager.event.ConnectEvent;
import org.asteriskjava.manager.event.ContactStatusEvent;
import org.asteriskjava.manager.event.DialEndEvent;
import org.asteriskjava.manager.event.DisconnectEvent;
import org.asteriskjava.manager.event.EndpointList;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.internal.DirectManagerReader;
import org.asteriskjava.manager.response.ManagerResponse;
import org.loket.core.AgentState;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.host.security.SecretFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AMI side: agents' device state becomes log-in and log-out commands, a dial answered becomes
 * {@code OFFER_ACCEPTED} at once, and callbacks are originated. asterisk-java reconnects on its own
 * after Asterisk restarts; every (re)connection resynchronises the agents' device states.
 * <p>Events arrive on the connection's reader thread ({@link DirectManagerReader}, no second
 * thread per event): they are translated and published, nothing else. Actions (resynchronisation, originate) run on the gateway's virtual-thread executor.
 */
final class AmiLink implements ManagerEventListener {
    private static final Logger LOG = LoggerFactory.getLogger(AmiLink.class);
    /** Where the dialplan reads the announcement to play first: {@code ${DB(loket/outage)}}. */
    static final String ANNOUNCEMENT_FAMILY = "loket";
    static final String ANNOUNCEMENT_KEY = "outage";

    private final TelephonyGateway gateway;
    private final Calls calls;
    /** Set on the AMI reader thread by its connect and disconnect events. */
    private volatile boolean connected;
    /** The service announcement's prompt Asterisk should play first (null: none), and whether Asterisk may not have it yet. */
    private volatile String announcement;
    private volatile boolean announcementUnsent;
    /**
     * Per endpoint (agent name): true = its agent logged in (by the phone, or found so at start),
     * false = logged out by the phone; absent = not known yet. Keyed by name, not id, so a reload
     * that moves agent ids keeps it. Guarded by itself, as is {@link #voiceOff}.
     */
    private final Map<String, Boolean> loggedIn = new java.util.HashMap<>();
    /**
     * Per endpoint, how many contact statuses the AMI reader has handed over: a resynchronisation
     * skips a phone whose count moved while its list was read (that state is older than the event).
     */
    private final Map<String, Long> statusEvents = new java.util.concurrent.ConcurrentHashMap<>();
    /** Endpoints whose agent's voice is off because the phone stopped answering (or was at start). */
    private final java.util.Set<String> voiceOff = new java.util.HashSet<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private ManagerConnection connection;

    AmiLink(TelephonyGateway gateway) {
        this.gateway = gateway;
        this.calls = gateway.calls();
    }

    /**
     * Before the first connection, what the core recovered from the journal after a restart of
     * Loket: agents logged in already (a reachable phone publishes no second login, which the core
     * would refuse, a counted {@code REJECT_COMMAND} per agent and restart) and agents whose voice is
     * off (a reachable phone switches it on).
     */
    void knownAtStart(java.util.Collection<String> loggedInAlready, java.util.Collection<String> voiceOffAlready) {
        synchronized (loggedIn) {
            loggedInAlready.forEach(endpoint -> loggedIn.put(endpoint, true));
            voiceOff.addAll(voiceOffAlready);
        }
    }

    void start() throws IOException {
        TelephonySettings s = gateway.settings();
        String secret = SecretFiles.read(s.amiSecretFile(), "telephony.ami.secretFile");
        connection = DirectManagerReader.connection(s.amiHost(), s.amiPort(), s.amiUser(), secret);
        connection.addEventListener(this);
        // The first login may find Asterisk not yet up: keep trying; later drops asterisk-java handles.
        gateway.actions().execute(() -> {
            long lastToldMs = 0;
            int failures = 0;
            while (!closed.get()) {
                try {
                    connection.login();
                    return;
                } catch (Exception e) {
                    failures++;
                    long nowMs = System.currentTimeMillis();
                    if (nowMs - lastToldMs >= 60_000) { // a line a minute, not one a second while Asterisk is down
                        lastToldMs = nowMs;
                        LOG.warn("AMI login to {}:{} failed {} time(s) ({}); retrying every second", s.amiHost(), s.amiPort(), failures,
                                e.toString());
                    }
                    try {
                        TimeUnit.SECONDS.sleep(1);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        });
    }

    /** Whether the AMI session is up now (a metric: presence, answers and callbacks need it). */
    boolean connected() {
        return connected;
    }

    @Override
    public void onManagerEvent(ManagerEvent event) {
        try {
            switch (event) {
                case ConnectEvent c -> {
                    connected = true;
                    long n = calls.counters.amiConnects.incrementAndGet();
                    LOG.info("telephony: AMI connected (connection {}); resynchronising agents", n);
                    gateway.actions().execute(() -> {
                        resynchronise();
                        sendAnnouncement(); // an Asterisk that restarted, or a change made while the link was down
                    });
                }
                case DisconnectEvent d -> {
                    connected = false;
                    calls.counters.amiDisconnects.incrementAndGet();
                    LOG.warn("telephony: AMI disconnected; reconnecting");
                }
                case ContactStatusEvent c -> contactStatus(c.getEndpointName(), c.getContactStatus());
                case DialEndEvent d -> {
                    if ("ANSWER".equals(d.getDialStatus()) && d.getUniqueId() != null) {
                        // A caller's dial answered. (An originated callback or warm leg has no caller channel: its answer comes over AGI.)
                        CallSession session = calls.byUniqueId.get(d.getUniqueId());
                        if (session != null) {
                            session.agentAnswered(d.getDestChannel());
                        }
                    } else {
                        // A warm transfer's leg that rang without an answer (callbacks' legs have other ids).
                        long contactId = CallSession.contactOfWarmLeg(d.getDestUniqueId());
                        CallSession session = contactId < 0 ? null : calls.byContact.get(contactId);
                        if (session != null) {
                            session.warmLegEnded(d.getDestUniqueId(), d.getDialStatus());
                        }
                    }
                }
                default -> { }
            }
        } catch (RuntimeException e) {
            calls.counters.agiErrors.incrementAndGet();
            LOG.warn("AMI event {} not translated: {}", event.getClass().getSimpleName(), e.toString());
        }
    }

    /**
     * A phone's contact changed (it registered, unregistered, answered a qualify or stopped
     * answering). One contact per agent, as {@code loket asterisk-config} writes (an endpoint with
     * several contacts would change with each). Device states are not read between
     * resynchronisations: a phone's changes twice in every call, and only reachable or not matters
     * here. A phone that registers logs its agent in; one that unregisters ({@code Removed}) logs it
     * out. One that stops answering ({@code Unreachable}: a network blip, a phone switched off)
     * only switches its agent's voice off ({@code AGENT_CHANNEL_SET}, {@link Command#PHONE_UNREACHABLE}):
     * the agent keeps its state and its chats (it goes to the back of its other channels' idle
     * lines), and the desktop says why no calls come;
     * when it answers again, voice is on again and nothing else changes (an agent on a break stays
     * on it). A {@code Removed} while unreachable (the registration expired) logs the agent out.
     */
    void contactStatus(String endpoint, String status) {
        if (endpoint == null || status == null) {
            return;
        }
        statusEvents.merge(endpoint, 1L, Long::sum);
        if (status.equalsIgnoreCase(ContactStatusEvent.STATUS_UNREACHABLE)) {
            unreachable(endpoint);
        } else {
            presence(endpoint, !status.equalsIgnoreCase(ContactStatusEvent.STATUS_REMOVED));
        }
    }

    /** An endpoint's device state (NOT_INUSE, INUSE, UNAVAILABLE, ...) as reachable or not; null says nothing. */
    private static Boolean reachable(String deviceState) {
        if (deviceState == null) {
            return null;
        }
        String normalized = deviceState.toUpperCase().replace(' ', '_');
        return !(normalized.equals("UNAVAILABLE") || normalized.equals("INVALID") || normalized.equals("UNKNOWN"));
    }

    /**
     * The phone of agent endpoint {@code endpoint} is registered and answers, or is gone (unregistered;
     * a device state at a resynchronisation, which cannot tell why). Reachable: voice on again after
     * {@link #unreachable} (also one a previous process switched off: {@link #knownAtStart}), and the
     * agent logged in unless it is. Gone: the agent logged out. Each once.
     */
    void presence(String endpoint, boolean reachable) {
        presence(endpoint, reachable, false);
    }

    /** How many contact statuses each phone has had so far: taken before a resynchronisation asks. */
    Map<String, Long> statusEventCounts() {
        return Map.copyOf(statusEvents);
    }

    /**
     * A device state read at a resynchronisation: as {@link #presence}, except that an unavailable
     * phone whose voice is off for not answering stays so (that is how such a phone shows; the agent
     * is not logged out for it by every reconnection or reload), and a phone that had a contact
     * status since {@code countsBefore} was taken is skipped (the status is newer than the list).
     */
    void deviceState(String endpoint, boolean reachable, Map<String, Long> countsBefore) {
        if (!java.util.Objects.equals(countsBefore.get(endpoint), statusEvents.get(endpoint))) {
            return;
        }
        presence(endpoint, reachable, true);
    }

    private void presence(String endpoint, boolean reachable, boolean deviceState) {
        synchronized (loggedIn) {
            // The id of the configuration in force now: the command goes into the ring behind its switch.
            int agent = gateway.directory().agent(endpoint);
            if (agent < 0) {
                return;
            }
            calls.counters.deviceStates.incrementAndGet();
            Boolean in = loggedIn.get(endpoint);
            if (reachable) {
                if (voiceOff.contains(endpoint) && calls.publishVoice(agent, true, Command.NONE)) {
                    voiceOff.remove(endpoint);
                    gateway.deadPhones().back(endpoint);
                }
                if (!Boolean.TRUE.equals(in) && calls.publish(new Calls.Out(CommandType.AGENT_LOGGED_IN, -1, agent, -1, -1, -1, -1))) {
                    loggedIn.put(endpoint, true);
                }
            } else if (!Boolean.FALSE.equals(in) && !(deviceState && voiceOff.contains(endpoint))) {
                if (calls.publishAgentState(agent, AgentState.LOGGED_OUT, Command.NONE)) {
                    loggedIn.put(endpoint, false);
                }
            }
        }
    }

    /** The phone of agent endpoint {@code endpoint} no longer answers: its agent's voice is switched off, once. */
    private void unreachable(String endpoint) {
        synchronized (loggedIn) {
            int agent = gateway.directory().agent(endpoint);
            if (agent < 0) {
                return;
            }
            calls.counters.deviceStates.incrementAndGet();
            if (!voiceOff.contains(endpoint) && calls.publishVoice(agent, false, Command.PHONE_UNREACHABLE)) {
                voiceOff.add(endpoint);
                gateway.deadPhones().unreachable(endpoint);
            }
        }
    }

    /** After every (re)connection: the device state of every agent endpoint, as if it had just changed. */
    private void resynchronise() {
        try {
            Map<String, Long> countsBefore = statusEventCounts();
            ResponseEvents response = connection.sendEventGeneratingAction(new PJSipShowEndpointsAction(), 10_000);
            int seen = 0;
            for (ManagerEvent event : response.getEvents()) {
                if (event instanceof EndpointList e && e.getObjectName() != null) {
                    seen++;
                    Boolean reachable = reachable(e.getDevicestate());
                    if (reachable != null) {
                        deviceState(e.getObjectName(), reachable, countsBefore);
                    }
                }
            }
            LOG.info("telephony: resynchronised {} endpoints", seen);
        } catch (Exception e) {
            LOG.warn("telephony: resynchronisation failed: {}", e.toString());
        }
    }

    /**
     * A configuration came into force: agents it adds whose endpoints Asterisk already has (provisioned
     * ahead) are logged in as their device state says. Action executor.
     */
    void configApplied() {
        if (connection != null && connection.getState() == org.asteriskjava.manager.ManagerConnectionState.CONNECTED) {
            resynchronise();
        }
    }

    /**
     * The core's service announcement changed (or is the one the core holds at start): Asterisk's
     * dialplan plays {@code database loket/outage} before a call reaches Loket, and in the fallback
     * route when Loket is down, so the announcement goes there. Written now when connected, else at
     * the next connection.
     *
     * @param prompt the prompt key, null when cleared
     */
    void announce(String prompt) {
        announcement = prompt;
        announcementUnsent = true;
        if (connected) {
            gateway.actions().execute(this::sendAnnouncement);
        }
    }

    /** Action executor: writes (or deletes) Asterisk's copy of the announcement unless it is known to hold it. */
    private synchronized void sendAnnouncement() {
        String prompt = announcement;
        if (!announcementUnsent && prompt == null) {
            return; // nothing of Loket's to write: an operator's own value (set while Loket was down) stays
        }
        ManagerAction action = prompt == null ? new DbDelAction(ANNOUNCEMENT_FAMILY, ANNOUNCEMENT_KEY)
                : new DbPutAction(ANNOUNCEMENT_FAMILY, ANNOUNCEMENT_KEY, prompt);
        try {
            ManagerResponse response = connection.sendAction(action, 5_000);
            boolean gone = prompt == null && String.valueOf(response.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("not found");
            if ("Success".equalsIgnoreCase(response.getResponse()) || gone) {
                if (java.util.Objects.equals(prompt, announcement)) { // else a newer change is queued behind this one
                    announcementUnsent = false;
                }
                LOG.info("telephony: service announcement {} in Asterisk (database {}/{})",
                        prompt == null ? "cleared" : "'" + prompt + "'", ANNOUNCEMENT_FAMILY, ANNOUNCEMENT_KEY);
            } else {
                LOG.warn("telephony: Asterisk refused the service announcement: {}", response.getMessage());
            }
        } catch (Exception e) {
            LOG.warn("telephony: service announcement not written to Asterisk ({}); again at the next connection", e.toString());
        }
    }

    /**
     * Rings the agent for a callback; when the agent answers, the dialplan hands the call to
     * {@link CallbackSession} with the agent's name (not its id, which a reload may move meanwhile).
     */
    void originateCallback(long contactId, String endpoint, long offerTimeoutMs) {
        OriginateAction originate = new OriginateAction();
        originate.setChannel("PJSIP/" + endpoint);
        originate.setContext("loket-callback");
        originate.setExten("s");
        originate.setPriority(1);
        long ringMs = Math.max(1_000, offerTimeoutMs - 1_000);
        originate.setTimeout(ringMs);
        originate.setAsync(true);
        originate.setCallerId("Loket callback <" + contactId + ">");
        originate.setVariables(Map.of("LOKET_CONTACT", Long.toString(contactId), "LOKET_AGENT", endpoint));
        try {
            ManagerResponse response = connection.sendAction(originate, 5_000);
            calls.counters.callbacksOriginated.incrementAndGet();
            if (!"Success".equalsIgnoreCase(response.getResponse())) {
                calls.counters.callbacksFailed.incrementAndGet();
                LOG.warn("callback {}: originate to {} refused: {}", contactId, endpoint, response.getMessage());
            }
        } catch (Exception e) {
            calls.counters.callbacksFailed.incrementAndGet();
            LOG.warn("callback {}: originate to {} failed: {}", contactId, endpoint, e.toString());
        }
    }

    /**
     * Rings the next agent of a warm transfer while the caller talks on with the first; when they
     * answer, the dialplan ({@code loket-warm}) hands their channel to {@link WarmLegSession} with the
     * agent's name. The channel gets Loket's own unique id ({@link CallSession.WarmLeg#channelId}),
     * by which the caller's {@code Bridge()} and {@link #hangUp} find it.
     */
    void originateWarmLeg(long contactId, CallSession.WarmLeg leg, long ringMs) {
        OriginateAction originate = new OriginateAction();
        originate.setChannel("PJSIP/" + leg.endpoint());
        originate.setChannelId(leg.channelId());
        originate.setContext("loket-warm");
        originate.setExten("s");
        originate.setPriority(1);
        originate.setTimeout(ringMs);
        originate.setAsync(true);
        originate.setCallerId("Loket transfer <" + contactId + ">");
        originate.setVariables(Map.of("LOKET_CONTACT", Long.toString(contactId), "LOKET_AGENT", leg.endpoint()));
        try {
            ManagerResponse response = connection.sendAction(originate, 5_000);
            if (!"Success".equalsIgnoreCase(response.getResponse())) {
                LOG.warn("call {}: warm transfer's originate to {} refused: {}", contactId, leg.endpoint(), response.getMessage());
            }
        } catch (Exception e) {
            LOG.warn("call {}: warm transfer's originate to {} failed: {}", contactId, leg.endpoint(), e.toString());
        }
    }

    /**
     * Whether Asterisk has a channel with this name or unique id (a {@code GetVar} of its state).
     * Action executor.
     *
     * @return null when the AMI could not say (not connected, no answer)
     */
    Boolean channelExists(String channel) {
        try {
            ManagerResponse response = connection.sendAction(new GetVarAction(channel, "CHANNEL(state)"), 3_000);
            return "Success".equalsIgnoreCase(response.getResponse());
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * Whether the agent's phone is in a call ({@link PhoneState#IN_CALL}); ringing, free or no such
     * device: false. Action executor.
     *
     * @return null when the AMI could not say (not connected, no answer, an unknown state)
     */
    Boolean inCall(String endpoint) {
        return inCall(PhoneState.of(connection, endpoint));
    }

    /** {@link #inCall(String)} of a phone's state. */
    static Boolean inCall(PhoneState state) {
        return state == PhoneState.UNKNOWN ? null : state == PhoneState.IN_CALL;
    }

    /** Hangs up the channel with this name or unique id; one already gone is fine. Action executor. */
    void hangUp(String channel) {
        try {
            ManagerResponse response = connection.sendAction(new HangupAction(channel), 5_000);
            LOG.debug("hang-up of {}: {}", channel, response.getResponse());
        } catch (Exception e) {
            LOG.warn("hang-up of {} failed: {}", channel, e.toString());
        }
    }

    /**
     * Rings a supervisor's phone into the code it would dial itself ({@code *58N} and so on, in the
     * supervisors' context), so the monitoring session checks and records it as any other.
     *
     * @return null when Asterisk took the request, else why not
     */
    String ringSupervisor(String supervisor, String exten, String label) {
        if (!connected()) {
            return "the phone system is not connected";
        }
        OriginateAction originate = new OriginateAction();
        originate.setChannel("PJSIP/" + supervisor);
        originate.setContext("loket-supervisors");
        originate.setExten(exten);
        originate.setPriority(1);
        originate.setTimeout(30_000L);
        originate.setAsync(true);
        originate.setCallerId("\"" + label + "\" <" + exten + ">");
        try {
            ManagerResponse response = connection.sendAction(originate, 5_000);
            if (!"Success".equalsIgnoreCase(response.getResponse())) {
                LOG.warn("monitoring: originate to {} refused: {}", supervisor, response.getMessage());
                return "the phone system refused to ring your phone (" + response.getMessage() + ")";
            }
            return null;
        } catch (Exception e) {
            LOG.warn("monitoring: originate to {} failed: {}", supervisor, e.toString());
            return "the phone system did not answer (" + e.getMessage() + ")";
        }
    }

    /**
     * Ends a waiting caller's hold: the channel leaves its AGI session for {@code loket-resume,CONTACT,1},
     * which opens a new one for the same call. Runs on the action executor.
     */
    void redirect(CallSession session) {
        RedirectAction redirect = new RedirectAction(session.channelName(), "loket-resume", Long.toString(session.contactId), 1);
        try {
            ManagerResponse response = connection.sendAction(redirect, 5_000);
            if (!"Success".equalsIgnoreCase(response.getResponse())) {
                LOG.info("call {}: redirect of {} refused: {}", session.contactId, session.channelName(), response.getMessage());
                session.redirectFailed();
            }
        } catch (Exception e) {
            LOG.warn("call {}: redirect of {} failed: {}", session.contactId, session.channelName(), e.toString());
            session.redirectFailed();
        }
    }

    void close() {
        closed.set(true);
        if (connection != null) {
            try {
                connection.logoff();
            } catch (RuntimeException e) {
                // not connected: nothing to log off
            }
        }
    }
}
