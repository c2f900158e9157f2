package org.loket.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.RoutingConfig;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.host.gateway.CommandPublisher;
import org.loket.host.gateway.GatewayContext;

/**
 * A configuration applied mid-call that adds and reorders entries, queues, agents, prompts and flow
 * nodes (phone-it's, version 2): a decision released before the switch keeps its names, later
 * decisions and commands use the new ids, dialled numbers follow, the position board follows its
 * queues by name. No Asterisk: the AGI channel is a recording stand-in, as in {@link HoldHandoverTest}.
 */
@Timeout(30)
class ConfigReloadTest {
    /** phone-it's configuration reordered: a new entry, queue, agent and prompt first, the rest reversed or shuffled. */
    private static final String REORDERED = """
            version: 2
            languages: [en, nl]
            skills: [login, app, general, misuse, cb, nobody]
            prompts:
              outage:         {nl: "Er is een storing.", en: "There is an outage."}
              hotline-menu:   {nl: "Spoedlijn.", en: "Hotline."}
              fallback-closed: {nl: "Wij zijn nu niet bereikbaar.", en: "We cannot take your call now."}
              callback-confirmed: {nl: "Wij bellen u terug.", en: "We will call you back."}
              callback-offer: {nl: "Toets ster om teruggebeld te worden.", en: "Press star to be called back."}
              queue-minutes:  {nl: "minuten.", en: "minutes."}
              queue-wait:     {nl: "De wachttijd is", en: "The waiting time is"}
              queue-position: {nl: "Uw positie is", en: "Your position is"}
              to-agent:       {nl: "Een ogenblik, alstublieft.", en: "One moment, please."}
              info-letter:    {nl: "Uw brief komt binnen drie dagen.", en: "Your letter arrives within three days."}
              main-menu:      {nl: "Kies een optie.", en: "Choose an option."}
              welcome:        {nl: "Welkom. For English, press 2.", en: "Welcome. Voor Nederlands, toets 1."}
            queues:
              - {name: hotline-voice, channel: voice, skill: general, offerTimeoutSeconds: 9}
              - {name: nobody-voice,  channel: voice, skill: nobody,  offerTimeoutSeconds: 4}
              - {name: cb-voice,      channel: voice, skill: cb,      offerTimeoutSeconds: 6}
              - {name: misuse-voice,  channel: voice, skill: misuse,  offerTimeoutSeconds: 4, priority: 8}
              - {name: general-voice, channel: voice, skill: general, offerTimeoutSeconds: 30}
              - {name: app-voice,     channel: voice, skill: app,     offerTimeoutSeconds: 4}
              - {name: login-voice,   channel: voice, skill: login,   offerTimeoutSeconds: 4}
            agents:
              - {name: agent-5, skills: {general: 5}}
              - {name: chat-1, skills: {login: 5}, capacity: {voice: 0, chat: 3}}
              - {name: agent-4, skills: {cb: 5}}
              - {name: agent-3, skills: {general: 5, misuse: 8}}
              - {name: agent-2, skills: {app: 5}}
              - {name: agent-1, skills: {login: 5}}
            flows:
              - {name: to-misuse,  kind: queue, prompt: to-agent, queue: misuse-voice, priority: 9}
              - {name: to-nobody,  kind: queue, prompt: to-agent, queue: nobody-voice}
              - {name: to-cb,      kind: queue, prompt: to-agent, queue: cb-voice}
              - {name: to-general, kind: queue, prompt: to-agent, queue: general-voice}
              - {name: to-app,     kind: queue, prompt: to-agent, queue: app-voice}
              - {name: to-login,   kind: queue, prompt: to-agent, queue: login-voice}
              - {name: info-letter, kind: info, prompt: info-letter}
              - name: main-menu
                kind: menu
                prompt: main-menu
                fallbackQueue: login-voice
                inputTimeoutSeconds: 6
                options: {"7": to-login, "8": to-app, "3": info-letter, "4": to-general, "5": to-cb, "6": to-nobody, "9": to-misuse}
              - name: welcome
                kind: language
                prompt: welcome
                fallbackQueue: login-voice
                inputTimeoutSeconds: 6
                options: {"1": {next: main-menu, language: nl}, "2": {next: main-menu, language: en}}
              - {name: hotline, kind: queue, prompt: hotline-menu, queue: hotline-voice}
            entries:
              - {name: hotline, flow: hotline, numbers: ["0889999999"]}
              - {name: phone, flow: welcome, numbers: ["0881234567"]}
            """;

    @TempDir
    Path folder;
    private final List<Command> published = new CopyOnWriteArrayList<>();
    private final List<String> agiCommands = new CopyOnWriteArrayList<>();
    private final CommandPublisher publisher = StandIns.recording(published);

    @Test
    void shouldKeepACallGoingAcrossAReorderedConfigurationAndUseTheNewIdsAfterIt() throws Exception {
        LoadedConfig v1 = ConfigLoader.load(Path.of("src/test/resources/phone-it"));
        LoadedConfig v2 = reordered();
        TelephonyGateway gateway = gateway(v1);
        Thread call = call(gateway, "0881234567", "1700000000.1");
        Command arrived = await(c -> c.type == CommandType.CONTACT_ARRIVED);
        assertThat(arrived.entryId).isEqualTo(entry(v1, "phone"));
        long contactId = arrived.contactId;

        // Released under version 1, taken by the session whenever: it still names version 1's prompt and node.
        gateway.onDecision(prompt(contactId, v1, "welcome", "welcome"));
        gateway.onCommandDecided();
        apply(gateway, v2);
        awaitAgi(c -> c.startsWith("streamFile") && c.contains("/welcome"));
        assertThat(agiCommands).noneMatch(c -> c.contains("/outage"));

        gateway.onDecision(prompt(contactId, v2, "to-agent", "to-general"));
        gateway.onCommandDecided();
        awaitAgi(c -> c.contains("/to-agent"));
        gateway.onDecision(StandIns.decision(DecisionType.QUEUE_CONTACT, contactId, queue(v2, "general-voice"), -1, -1));
        gateway.onCommandDecided();
        assertThat(gateway.calls().board.position(contactId)).isEqualTo(1);

        Decision offer = StandIns.decision(DecisionType.OFFER_CONTACT, contactId, queue(v2, "general-voice"), agent(v2, "agent-3"), -1);
        gateway.onDecision(offer);
        gateway.onCommandDecided();
        call.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(call.isAlive()).isFalse();
        assertThat(agiCommands).as("rings agent-3 for the new general-voice's 30 s offer, not the old 4 s")
                .anyMatch(c -> c.startsWith("exec[Dial, [PJSIP/agent-3,2"));
        Command accepted = await(c -> c.type == CommandType.OFFER_ACCEPTED);
        assertThat(accepted.agentId).as("agent-3's id in version 2").isEqualTo(agent(v2, "agent-3")).isNotEqualTo(agent(v1, "agent-3"));
    }

    @Test
    void shouldRouteDialledNumbersAndCallbacksWithTheConfigurationInForce() throws Exception {
        LoadedConfig v1 = ConfigLoader.load(Path.of("src/test/resources/phone-it"));
        LoadedConfig v2 = reordered();
        TelephonyGateway gateway = gateway(v1);
        call(gateway, "0889999999", "1700000000.2").join(5_000);
        assertThat(gateway.calls().counters.unknownEntry.get()).as("the hotline's number is not known yet").isEqualTo(1);

        apply(gateway, v2);
        call(gateway, "0889999999", "1700000000.3");
        assertThat(await(c -> c.type == CommandType.CONTACT_ARRIVED).entryId).isEqualTo(entry(v2, "hotline")).isZero();
        call(gateway, "0881234567", "1700000000.4");
        assertThat(await(c -> c.type == CommandType.CONTACT_ARRIVED && c.entryId != 0).entryId).isEqualTo(entry(v2, "phone")).isEqualTo(1);

        // The agent's leg of a callback names the agent: its id is the one in force when it answers.
        gateway.calls().callbacks.put(77L, new Calls.Callback("0612345678", "caller-77"));
        new CallbackSession(gateway, channel()).run(new String[] {"77", "agent-1"});
        Command accepted = await(c -> c.type == CommandType.OFFER_ACCEPTED && c.contactId == 77);
        assertThat(accepted.agentId).isEqualTo(agent(v2, "agent-1")).isEqualTo(5);
    }

    @Test
    void shouldKeepTheBoardsPlacesAndPaceByQueueName() {
        Calls.Board board = new Calls.Board();
        board.queued(1, 2, 0, 100); // general-voice in version 1
        board.offered(9, 2, 1_000_000_000L);
        board.offered(8, 2, 3_000_000_000L); // one offer every 2 s
        board.remapQueues(new int[] {6, 5, 4, 3, 2, 1}); // version 2's order
        board.queued(2, 4, 0, 200); // general-voice in version 2
        assertThat(board.position(1)).isEqualTo(1);
        assertThat(board.position(2)).as("behind the caller who joined before the reload").isEqualTo(2);
        assertThat(board.estimatedWaitMs(2, 0)).isEqualTo(4_000);
    }

    private LoadedConfig reordered() throws Exception {
        Path dir = Files.createDirectories(folder.resolve("v2"));
        Files.writeString(dir.resolve("routing.yaml"), REORDERED);
        return ConfigLoader.load(dir);
    }

    private TelephonyGateway gateway(LoadedConfig config) throws Exception {
        TelephonyGateway gateway = new TelephonyGateway(TelephonySettings.from(Map.of("telephony.ami.secretFile", "unused",
                "telephony.announceEveryMs", "0", "telephony.holdCheckMs", "200")));
        gateway.prepare(new GatewayContext(publisher, config, Map.of()));
        return gateway;
    }

    /** What the engine does on egress: the decision, then the configuration, then the command's end. */
    private static void apply(TelephonyGateway gateway, LoadedConfig config) {
        Decision applied = new Decision();
        applied.type = DecisionType.CONFIGURATION_APPLIED;
        applied.score = config.routing().version();
        gateway.onDecision(applied);
        gateway.onConfigApplied(config);
        gateway.onCommandDecided();
    }

    private Thread call(TelephonyGateway gateway, String dialled, String uniqueId) {
        AgiRequest request = (AgiRequest) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AgiRequest.class},
                (p, m, args) -> switch (m.getName()) {
                    case "getScript" -> "route";
                    case "getArguments" -> new String[] {dialled};
                    case "getCallerIdNumber" -> "0612345678";
                    case "getUniqueId" -> uniqueId;
                    case "getChannel" -> "PJSIP/anonymous-" + uniqueId;
                    default -> null;
                });
        AgiChannel channel = channel();
        return Thread.ofVirtual().start(() -> {
            try {
                gateway.service(request, channel);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    private AgiChannel channel() {
        return StandIns.channel(agiCommands, path -> false);
    }

    private static Decision prompt(long contactId, LoadedConfig config, String prompt, String node) {
        RoutingConfig r = config.routing();
        Decision d = StandIns.decision(DecisionType.PLAY_PROMPT, contactId, -1, -1, -1);
        d.promptId = r.prompts().indexOf(prompt);
        d.nodeId = indexOf(r.flowNodes().stream().map(n -> n.name()).toList(), node);
        d.languageId = r.languages().indexOf("nl");
        return d;
    }

    private static int entry(LoadedConfig config, String name) {
        return indexOf(config.routing().entries().stream().map(e -> e.name()).toList(), name);
    }

    private static int queue(LoadedConfig config, String name) {
        return indexOf(config.routing().queues().stream().map(q -> q.name()).toList(), name);
    }

    private static int agent(LoadedConfig config, String name) {
        return indexOf(config.routing().agents().stream().map(a -> a.name()).toList(), name);
    }

    private static int indexOf(List<String> names, String name) {
        int i = names.indexOf(name);
        assertThat(i).as(name + " in " + names).isNotNegative();
        return i;
    }

    private Command await(Predicate<Command> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            for (Command c : published) {
                if (wanted.test(c)) {
                    return c;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no such command in " + published.stream().map(c -> c.type + "/" + c.entryId + "/" + c.agentId).toList());
    }

    private void awaitAgi(Predicate<String> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (agiCommands.stream().noneMatch(wanted)) {
            assertThat(System.nanoTime()).as("AGI commands: " + agiCommands).isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
