package org.loket.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.ContactState;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.core.decision.Outcome;
import org.loket.host.gateway.Gateway;
import org.loket.host.gateway.GatewayContext;
import org.loket.host.gateway.TestGateways;
import org.loket.host.journal.Journal;
import org.loket.host.pipeline.Engine;
import org.loket.host.pipeline.EngineSettings;

/**
 * A restart of Loket with calls in every state, with a real engine and journal and without
 * Asterisk: the restarted gateway ends exactly the calls no session of its own can own (self-service,
 * waiting, offered) as abandoned, keeps a conversation until the agent's phone is free, and leaves
 * after-call work, a kept callback and another channel's contact alone.
 */
class CallsLeftAtRestartTest {
    private static final long SELF_SERVICE = 101;
    private static final long WAITING = 102;
    private static final long OFFERED = 103;
    private static final long TALKING = 104;
    private static final long WRAP_UP = 105;
    private static final long CALLBACK = 106;
    private static final long CHAT = 107;

    private final LoadedConfig config;
    private final CoreSteps steps;

    CallsLeftAtRestartTest() throws Exception {
        config = ConfigLoader.load(Path.of("src/test/resources/phone-it"));
        steps = new CoreSteps(config);
    }

    private void arrive(Engine engine, long contactId, String entry, Channel channel) {
        steps.arrive(engine, contactId, entry, channel);
    }

    private int agent(String name) {
        return steps.agent(name);
    }

    private static void publish(Engine engine, Consumer<Command> fill) {
        CoreSteps.publish(engine, fill);
    }

    private static List<Command> journaled(Journal journal, CommandType type) {
        return CoreSteps.journaled(journal, type);
    }

    private static long lastCommandNs(Journal journal) {
        return CoreSteps.lastCommandNs(journal);
    }

    @TempDir
    Path folder;

    @Test
    void shouldEndTheCallsNoSessionCanOwnAndLeaveTheOthers() throws Exception {
        Path callbacks = folder.resolve("callbacks");
        try (Journal journal = Journal.open(folder.resolve("journal"))) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                engine.publishConfig(config);
                callsInEveryState(engine);
                assertThat(states(engine)).containsExactly(ContactState.SELF_SERVICE, ContactState.WAITING, ContactState.OFFERED,
                        ContactState.CONNECTED, ContactState.WRAP_UP, ContactState.WAITING, ContactState.SELF_SERVICE);
            } finally {
                engine.close(); // no snapshot: the restart replays the journal, as after a kill -9
            }
        }
        CallbackStore.open(callbacks).put(CALLBACK, new Calls.Callback("0612345678", "p-1"));

        try (Journal journal = Journal.open(folder.resolve("journal"))) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                List<Decision> ends = new CopyOnWriteArrayList<>();
                engine.addGateway(recording(ends));
                TelephonyGateway gateway = new TelephonyGateway(TelephonySettings.from(Map.of(
                        "telephony.ami.secretFile", "unused", "telephony.callbackFolder", callbacks.toString())));
                gateway.prepare(new GatewayContext(engine, config, Map.of(), engine));
                engine.awaitQuiet(5_000);

                assertThat(states(engine)).as("self-service, waiting and offered ended; the others kept").containsExactly(
                        ContactState.NONE, ContactState.NONE, ContactState.NONE, ContactState.CONNECTED, ContactState.WRAP_UP,
                        ContactState.WAITING, ContactState.SELF_SERVICE);
                assertThat(ends).extracting(d -> d.contactId, d -> d.outcome).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(SELF_SERVICE, Outcome.ABANDONED_IN_SELF_SERVICE),
                        org.assertj.core.groups.Tuple.tuple(WAITING, Outcome.ABANDONED),
                        org.assertj.core.groups.Tuple.tuple(OFFERED, Outcome.ABANDONED));
                assertThat(gateway.calls().counters.callsLostAtRestart.get()).isEqualTo(3);
                assertThat(gateway.calls().counters.callsTalkingAtRestart.get()).isEqualTo(1);
                assertThat(engine.query(core -> core.agentState(agent("agent-6"))).get(5, TimeUnit.SECONDS))
                        .as("the offered agent is free again, not paused for a ring that never came").isEqualTo(AgentState.READY);
                assertThat(journaledReasons(journal)).as("the journal tells these ends apart")
                        .containsExactly(Command.ENDED_AT_RESTART, Command.ENDED_AT_RESTART, Command.ENDED_AT_RESTART);
                assertThat(gateway.calls().callbacks).containsOnlyKeys(CALLBACK);
                assertThat(gateway.calls().wrapUps).containsExactly(Map.entry("agent-3", WRAP_UP));

                // The conversation outlived the restart in Asterisk: kept while agent-5's phone is in a call.
                List<String> asked = new CopyOnWriteArrayList<>();
                CallsLeftAtRestart left = leftAtRestart(gateway);
                assertThat(left.checkTalking(endpoint -> {
                    asked.add(endpoint);
                    return true;
                }, engine, gateway.calls())).isZero();
                assertThat(left.checkTalking(endpoint -> null, engine, gateway.calls())).as("the AMI cannot say").isZero();
                assertThat(asked).containsExactly("agent-5");
                engine.awaitQuiet(5_000);
                assertThat(engine.query(core -> core.contactState(TALKING)).get(5, TimeUnit.SECONDS)).isEqualTo(ContactState.CONNECTED);

                assertThat(left.checkTalking(endpoint -> false, engine, gateway.calls())).isEqualTo(1);
                engine.awaitQuiet(5_000);
                assertThat(engine.query(core -> core.contactState(TALKING)).get(5, TimeUnit.SECONDS)).isEqualTo(ContactState.NONE);
                assertThat(ends).filteredOn(d -> d.contactId == TALKING).extracting(d -> d.outcome).containsExactly(Outcome.ANSWERED);
                assertThat(left.anyTalking()).isFalse();
                assertThat(ends).as("nothing else ended").hasSize(4);
            } finally {
                engine.close();
            }
        }
    }

    /**
     * A caller offered to agent-3 and one waiting behind it for the same agent: were the offer ended
     * first, agent-3 would be offered the waiting one, a call that is gone too (and counted offered).
     */
    @Test
    void shouldEndTheWaitingCallsBeforeTheOffersSoNoAgentIsOfferedAnOrphan() throws Exception {
        long offered = 201;
        long behind = 202;
        assertThat(callsForAgent3(folder.resolve("journal"), offered, behind)).containsExactly(ContactState.OFFERED, ContactState.WAITING);
        try (Journal journal = Journal.open(folder.resolve("journal"))) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                List<Decision> seen = new CopyOnWriteArrayList<>();
                engine.addGateway(TestGateways.watching(d -> seen.add(new Decision().copyFrom(d))));
                TelephonyGateway gateway = CoreSteps.gatewayWithoutAsterisk();
                gateway.prepare(new GatewayContext(engine, config, Map.of(), engine));
                engine.awaitQuiet(5_000);
                assertThat(seen).filteredOn(d -> d.type == DecisionType.END_CONTACT).extracting(d -> d.contactId)
                        .containsExactly(behind, offered);
                assertThat(seen).noneMatch(d -> d.type == DecisionType.OFFER_CONTACT);
                assertThat(engine.query(core -> core.agentState(agent("agent-3"))).get(5, TimeUnit.SECONDS)).isEqualTo(AgentState.READY);
            } finally {
                engine.close();
            }
        }
    }

    /**
     * Loket was down longer than the offer's timeout (general-voice: 4 s). Ended as {@code loket run}
     * does, first and as of the journal's end, the offer ends with its caller and its agent stays
     * ready; ended by the gateway's start after other commands (the order before), the timer fired
     * first and paused the agent {@code NO_ANSWER} for a ring that died with the process.
     */
    @Test
    void shouldEndAnOfferBeforeItsTimeoutThatFellDueWhileLoketWasDown() throws Exception {
        long offered = 301;
        Path first = folder.resolve("ended-first");
        Path late = folder.resolve("ended-late");
        for (Path journalFolder : List.of(first, late)) {
            assertThat(callsForAgent3(journalFolder, offered)).containsExactly(ContactState.OFFERED);
        }
        Thread.sleep(4_500); // Loket is down past the offer's timeout

        try (Journal journal = Journal.open(first)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                TelephonyGateway gateway = CoreSteps.gatewayWithoutAsterisk();
                gateway.endContactsLeftAtRestart(engine);
                engine.publishTick(); // now: the timers due meanwhile fire
                gateway.prepare(new GatewayContext(engine, config, Map.of(), engine));
                engine.awaitQuiet(5_000);
                assertThat(engine.query(core -> List.of(core.agentState(agent("agent-3")), core.contactState(offered)))
                        .get(5, TimeUnit.SECONDS)).as("ended with its caller; the agent was not at fault").containsExactly(
                                AgentState.READY, ContactState.NONE);
                assertThat(gateway.calls().counters.callsLostAtRestart.get()).isEqualTo(1);
                assertThat(journaledReasons(journal)).containsExactly(Command.ENDED_AT_RESTART);
            } finally {
                engine.close();
            }
        }
        try (Journal journal = Journal.open(late)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                engine.publishTick();
                TelephonyGateway gateway = CoreSteps.gatewayWithoutAsterisk();
                gateway.prepare(new GatewayContext(engine, config, Map.of(), engine));
                engine.awaitQuiet(5_000);
                assertThat(engine.query(core -> List.of(core.agentState(agent("agent-3")), core.agentPauseReason(agent("agent-3"))))
                        .get(5, TimeUnit.SECONDS)).as("the order this test guards against").containsExactly(
                                AgentState.PAUSED, org.loket.core.PauseReason.NO_ANSWER);
            } finally {
                engine.close();
            }
        }
    }

    /**
     * Offers of the previous process whose {@code Dial} outlived it: agent-3 answered while Loket was
     * down (its phone is in a call), agent-6's phone still rings, and Asterisk cannot say what
     * agent-5's does. Down past the offers' timeouts, as {@code loket run} starts: agent-3's offer is
     * accepted as of the journal's end (not retracted by its timer, agent-3 not paused) and kept
     * until the phone is free; agent-6's ring is stopped and its caller ended; agent-5's ended.
     */
    @Test
    void shouldAcceptAnOfferAnsweredWhileLoketWasDownAndStopARingStillGoing() throws Exception {
        long answered = 401;
        long ringing = 402;
        long unknown = 403;
        Path journalFolder = folder.resolve("journal");
        try (Journal journal = Journal.open(journalFolder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                engine.publishConfig(config);
                for (String agent : List.of("agent-3", "agent-5", "agent-6")) {
                    publish(engine, c -> {
                        c.type = CommandType.AGENT_LOGGED_IN;
                        c.agentId = agent(agent);
                    });
                }
                arrive(engine, answered, "transfer", Channel.VOICE); // general-voice: rings agent-3
                arrive(engine, ringing, "busy", Channel.VOICE);      // busy-voice: rings agent-6
                arrive(engine, unknown, "soft", Channel.VOICE);      // soft-voice: rings agent-5
                engine.awaitQuiet(5_000);
                assertThat(engine.query(core -> List.of(core.contactState(answered), core.contactState(ringing), core.contactState(unknown)))
                        .get(5, TimeUnit.SECONDS)).containsOnly(ContactState.OFFERED);
            } finally {
                engine.close();
            }
        }
        Thread.sleep(6_500); // down past every offer's timeout (4 and 6 s)

        try (Journal journal = Journal.open(journalFolder)) {
            long lastBeforeRestartNs = lastCommandNs(journal);
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                List<Decision> ends = new CopyOnWriteArrayList<>();
                engine.addGateway(recording(ends));
                List<String> stopped = new CopyOnWriteArrayList<>();
                boolean[] closed = {false};
                TelephonyGateway gateway = CoreSteps.gatewayWithoutAsterisk();
                gateway.usePhones(() -> new CallsLeftAtRestart.Phones() {
                    @Override
                    public PhoneState state(String endpoint) {
                        return switch (endpoint) {
                            case "agent-3" -> PhoneState.IN_CALL;
                            case "agent-6" -> PhoneState.RINGING;
                            default -> PhoneState.UNKNOWN;
                        };
                    }

                    @Override
                    public boolean stopRinging(String endpoint) {
                        stopped.add(endpoint);
                        return true;
                    }

                    @Override
                    public void close() {
                        closed[0] = true;
                    }
                });
                gateway.endContactsLeftAtRestart(engine);
                engine.publishTick(); // now: the timers due meanwhile fire
                gateway.prepare(new GatewayContext(engine, config, Map.of(), engine));
                engine.awaitQuiet(5_000);

                assertThat(stopped).as("only the ringing phone was hung up").containsExactly("agent-6");
                assertThat(closed[0]).as("the AMI session was closed").isTrue();
                assertThat(engine.query(core -> List.of(core.contactState(answered), core.contactState(ringing), core.contactState(unknown)))
                        .get(5, TimeUnit.SECONDS)).containsExactly(ContactState.CONNECTED, ContactState.NONE, ContactState.NONE);
                assertThat(engine.query(core -> List.of(core.agentState(agent("agent-3")), core.agentState(agent("agent-5")),
                        core.agentState(agent("agent-6")))).get(5, TimeUnit.SECONDS)).as("nobody paused for a ring that died with Loket")
                        .containsExactly(AgentState.BUSY, AgentState.READY, AgentState.READY);
                assertThat(ends).extracting(d -> d.contactId, d -> d.outcome).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(ringing, Outcome.ABANDONED),
                        org.assertj.core.groups.Tuple.tuple(unknown, Outcome.ABANDONED));
                Command accept = journaled(journal, CommandType.OFFER_ACCEPTED).get(0);
                assertThat(List.of(accept.contactId, (long) accept.agentId, (long) accept.reason))
                        .containsExactly(answered, (long) agent("agent-3"), (long) Command.FOUND_AT_RESTART);
                assertThat(accept.timestampNs).as("as of the journal's end, before the timers due since").isEqualTo(lastBeforeRestartNs);
                var counters = gateway.calls().counters;
                assertThat(List.of(counters.callsAnsweredAtRestart.get(), counters.ringsStoppedAtRestart.get(),
                        counters.callsLostAtRestart.get(), counters.callsTalkingAtRestart.get())).containsExactly(1L, 1L, 2L, 1L);

                assertThat(leftAtRestart(gateway).checkTalking(endpoint -> false, engine, gateway.calls())).isEqualTo(1);
                engine.awaitQuiet(5_000);
                assertThat(ends).filteredOn(d -> d.contactId == answered).extracting(d -> d.outcome).containsExactly(Outcome.ANSWERED);
            } finally {
                engine.close();
            }
        }
    }

    /** Asterisk cannot be reached at the restart: the offers end as abandoned, as before it was asked. */
    @Test
    void shouldEndTheOffersWhenAsteriskCannotBeAsked() throws Exception {
        assertOfferEndsAbandoned(501, () -> {
            throw new java.net.ConnectException("Connection refused");
        }, () -> { });
    }

    /** Asterisk answers after the start stopped waiting: the offer ends as abandoned, and the late answer changes nothing. */
    @Test
    void shouldEndTheOffersWhenAsteriskAnswersTooLate() throws Exception {
        java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(1);
        assertOfferEndsAbandoned(601, () -> new CallsLeftAtRestart.Phones() {
            @Override
            public PhoneState state(String endpoint) {
                try {
                    Thread.sleep(TelephonyGateway.PROBE_TIMEOUT_MS + 1_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                answered.countDown();
                return PhoneState.IN_CALL;
            }

            @Override
            public boolean stopRinging(String endpoint) {
                return false;
            }
        }, () -> assertThat(answered.await(10, TimeUnit.SECONDS)).as("the probe answered, late").isTrue());
    }

    /** A step of a test that may wait or fail. */
    private interface Step {
        void run() throws Exception;
    }

    /**
     * A journal with {@code offered} ringing agent-3, restarted with {@code phones} for Asterisk: once
     * {@code meanwhile} is done the offer has ended as abandoned, lost at restart, never accepted.
     */
    private void assertOfferEndsAbandoned(long offered, java.util.concurrent.Callable<CallsLeftAtRestart.Phones> phones, Step meanwhile)
            throws Exception {
        assertThat(callsForAgent3(folder.resolve("journal"), offered)).containsExactly(ContactState.OFFERED);
        try (Journal journal = Journal.open(folder.resolve("journal"))) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                TelephonyGateway gateway = CoreSteps.gatewayWithoutAsterisk();
                gateway.usePhones(phones);
                gateway.endContactsLeftAtRestart(engine);
                gateway.prepare(new GatewayContext(engine, config, Map.of(), engine));
                meanwhile.run();
                engine.awaitQuiet(5_000);
                assertThat(engine.query(core -> core.contactState(offered)).get(5, TimeUnit.SECONDS)).isEqualTo(ContactState.NONE);
                assertThat(gateway.calls().counters.callsLostAtRestart.get()).isEqualTo(1);
                assertThat(journaled(journal, CommandType.OFFER_ACCEPTED)).isEmpty();
            } finally {
                engine.close();
            }
        }
    }

    /** The offer's leg is Dial's outgoing channel to the endpoint: up is answered, ringing rings, none is over. */
    @Test
    void shouldReadAnOffersLegFromAsterisksChannels() {
        List<AmiProbe.Leg> all = List.of(new AmiProbe.Leg("PJSIP/agent-2-0000001a", "Up"), new AmiProbe.Leg("PJSIP/agent-20-0000001b", "Ringing"),
                new AmiProbe.Leg("PJSIP/agent-3-0000001c", "Ringing"), new AmiProbe.Leg("PJSIP/agent-3;2", "Up"));
        assertThat(AmiProbe.legsOf(all, "agent-2")).as("not agent-20's").extracting(AmiProbe.Leg::channel).containsExactly("PJSIP/agent-2-0000001a");
        assertThat(AmiProbe.stateOf(AmiProbe.legsOf(all, "agent-2"))).isEqualTo(PhoneState.IN_CALL);
        assertThat(AmiProbe.stateOf(AmiProbe.legsOf(all, "agent-3"))).isEqualTo(PhoneState.RINGING);
        assertThat(AmiProbe.stateOf(AmiProbe.legsOf(all, "agent-4"))).isEqualTo(PhoneState.FREE);
    }

    @Test
    void shouldEndNothingWhenTheCoreHoldsNoCallOfAPreviousProcess() throws Exception {
        try (Journal journal = Journal.open(folder.resolve("journal"))) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                engine.publishConfig(config);
                TelephonyGateway gateway = CoreSteps.gatewayWithoutAsterisk();
                gateway.prepare(new GatewayContext(engine, config, Map.of(), engine));
                assertThat(gateway.calls().counters.callsLostAtRestart.get()).isZero();
                assertThat(leftAtRestart(gateway).anyTalking()).isFalse();
            } finally {
                engine.close();
            }
        }
    }

    @Test
    void shouldReadOnlyAPhoneInACallAsTalking() {
        assertThat(List.of("INUSE", "BUSY", "ONHOLD", "RINGINUSE", "inuse")).allMatch(s -> Boolean.TRUE.equals(AmiLink.inCall(PhoneState.of(s))));
        assertThat(List.of("NOT_INUSE", "RINGING", "UNAVAILABLE", "INVALID")).allMatch(s -> Boolean.FALSE.equals(AmiLink.inCall(PhoneState.of(s))));
        assertThat(PhoneState.of("RINGING")).isEqualTo(PhoneState.RINGING);
        assertThat(AmiLink.inCall(PhoneState.of("UNKNOWN"))).isNull();
        assertThat(AmiLink.inCall(PhoneState.of((String) null))).isNull();
    }

    /** One call in each state, and a chat in self-service (another gateway's). */
    private void callsInEveryState(Engine engine) throws Exception {
        for (String agent : List.of("agent-3", "agent-5", "agent-6")) {
            publish(engine, c -> {
                c.type = CommandType.AGENT_LOGGED_IN;
                c.agentId = agent(agent);
            });
        }
        arrive(engine, SELF_SERVICE, "phone", Channel.VOICE);   // the welcome menu
        arrive(engine, WAITING, "reload", Channel.VOICE);       // reload-voice: nobody serves it
        arrive(engine, OFFERED, "busy", Channel.VOICE);         // rings agent-6
        arrive(engine, TALKING, "soft", Channel.VOICE);         // agent-5 answers
        publish(engine, c -> {
            c.type = CommandType.OFFER_ACCEPTED;
            c.contactId = TALKING;
            c.agentId = agent("agent-5");
        });
        arrive(engine, WRAP_UP, "wrap", Channel.VOICE);         // agent-3 answers, the call ends: two minutes of wrap-up
        publish(engine, c -> {
            c.type = CommandType.OFFER_ACCEPTED;
            c.contactId = WRAP_UP;
            c.agentId = agent("agent-3");
        });
        publish(engine, c -> {
            c.type = CommandType.CONTACT_ENDED;
            c.contactId = WRAP_UP;
        });
        arrive(engine, CALLBACK, "reload", Channel.VOICE);
        publish(engine, c -> {
            c.type = CommandType.CALLBACK_REQUESTED;
            c.contactId = CALLBACK;
        });
        arrive(engine, CHAT, "phone", Channel.CHAT);
        engine.awaitQuiet(5_000);
    }

    /**
     * A journal in which agent-3 logged in and {@code contacts} called general-voice (the first rings
     * agent-3), left as a kill -9 leaves it; returns the contacts' states then.
     */
    private List<ContactState> callsForAgent3(Path journalFolder, long... contacts) throws Exception {
        try (Journal journal = Journal.open(journalFolder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                engine.publishConfig(config);
                publish(engine, c -> {
                    c.type = CommandType.AGENT_LOGGED_IN;
                    c.agentId = agent("agent-3");
                });
                for (long contact : contacts) {
                    arrive(engine, contact, "transfer", Channel.VOICE);
                }
                engine.awaitQuiet(5_000);
                return engine.query(core -> java.util.Arrays.stream(contacts).mapToObj(core::contactState).toList()).get(5, TimeUnit.SECONDS);
            } finally {
                engine.close();
            }
        }
    }

    private static List<ContactState> states(Engine engine) throws Exception {
        return engine.query(core -> java.util.stream.LongStream.of(SELF_SERVICE, WAITING, OFFERED, TALKING, WRAP_UP, CALLBACK, CHAT)
                .mapToObj(core::contactState).toList()).get(5, TimeUnit.SECONDS);
    }

    /** The reasons of the journaled CONTACT_ABANDONED commands. */
    private static List<Integer> journaledReasons(Journal journal) {
        return journaled(journal, CommandType.CONTACT_ABANDONED).stream().map(c -> c.reason).toList();
    }

    private static CallsLeftAtRestart leftAtRestart(TelephonyGateway gateway) {
        return gateway.leftAtRestart();
    }

    /** Keeps a copy of each END_CONTACT decision. */
    private static Gateway recording(List<Decision> ends) {
        return TestGateways.watching(d -> {
            if (d.type == DecisionType.END_CONTACT) {
                ends.add(new Decision().copyFrom(d));
            }
        });
    }
}
