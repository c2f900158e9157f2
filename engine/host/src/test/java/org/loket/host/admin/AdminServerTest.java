package org.loket.host.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.ConfigLoader;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.command.CommandType;
import org.loket.core.config.RoutingConfig;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.routing.RoutingCore;
import org.loket.host.hours.HoursPublisher;
import org.loket.host.journal.Journal;
import org.loket.host.pipeline.Engine;
import org.loket.host.pipeline.EngineSettings;
import org.loket.host.security.OwnerOnly;

/** The admin API over real HTTP on loopback, against a running engine. */
class AdminServerTest {
    private static final String TOKEN = "s3cret-token-for-tests-only";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MONDAY_7AM_MS = java.time.Instant.parse("2027-03-01T06:00:00Z").toEpochMilli();
    @TempDir
    Path folder;
    private Journal journal;
    private Engine engine;
    private AdminServer admin;
    private HoursPublisher hours;
    private ScheduledExecutorService ticks;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        journal = Journal.open(folder.resolve("journal"));
        engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
        engine.publishConfig(RoutingConfigCodec.encode(ConfigLoader.loadDefault().routing()));
        ticks = Executors.newSingleThreadScheduledExecutor();
        ticks.scheduleAtFixedRate(engine::publishTick, 10, 10, TimeUnit.MILLISECONDS);
        Path tokenFile = folder.resolve("token");
        OwnerOnly.write(tokenFile, TOKEN + "\n");
        // Queries run between batches: wait until the configuration command has been applied.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (engine.query(core -> core.config() == null).get() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        // Its clock stands still on Monday 1 March 2027 at 07:00 in Amsterdam; nothing is published until a configuration is applied.
        hours = new HoursPublisher(engine, () -> MONDAY_7AM_MS * 1_000_000);
        admin = AdminServer.startIfConfigured(engine, folder.resolve("journal"), Map.of("admin.bind", "127.0.0.1:0",
                "admin.tokenFile", tokenFile.toString()), hours);
    }

    @AfterEach
    void stop() {
        admin.close();
        hours.close();
        ticks.shutdownNow();
        engine.close();
        journal.close();
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.address().getPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A configuration folder holding {@code yaml} as its routing.yaml. */
    private Path configFolder(String name, String yaml) throws java.io.IOException {
        Path dir = Files.createDirectories(folder.resolve(name));
        Files.writeString(dir.resolve("routing.yaml"), yaml);
        return dir;
    }

    @Test
    void shouldRefuseRequestsWithoutTheTokenAndBindOnlyLoopback() throws Exception {
        assertThat(admin.address().getAddress().isLoopbackAddress()).isTrue();
        HttpResponse<String> missing = send("GET", "/api/v1/agents", null, null);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(missing.body()).contains("a bearer token is required");
        HttpResponse<String> wrong = send("GET", "/api/v1/agents", "wrong-token-wrong-token", null);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).as("said apart from a missing one").hasValue("Bearer error=\"invalid_token\"");
        assertThat(wrong.body()).contains("is not one of this server's tokens").doesNotContain("wrong-token");
        assertThat(admin.refused()).isEqualTo(2);
    }

    @Test
    void shouldServeMetricsInPrometheusTextFormatAndHealthOnlyWithTheToken() throws Exception {
        org.loket.host.metrics.EngineMetrics.register(engine, null);
        assertThat(send("GET", "/metrics", null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/v1/health", null, null).statusCode()).isEqualTo(401);
        assertThat(admin.refused()).isEqualTo(2);

        HttpResponse<String> metrics = send("GET", "/metrics", TOKEN, null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        assertThat(metrics.body()).contains("# TYPE loket_engine_up gauge", "loket_engine_up 1.0",
                "loket_queue_waiting{queue=\"login-voice\"} 0.0", "loket_agents{state=\"logged_out\"}");
        assertThat(send("POST", "/metrics", TOKEN, "").statusCode()).isEqualTo(404);

        // Health reports what egress has journaled and handed out, which may trail the core on a busy
        // machine (a CI run once saw 0 here): wait until the configuration's command is through.
        engine.awaitQuiet(5_000);
        HttpResponse<String> health = send("GET", "/api/v1/health", TOKEN, null);
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode up = JSON.readTree(health.body());
        assertThat(up.get("status").asText()).isEqualTo("up");
        assertThat(up.get("configVersion").asLong()).isEqualTo(1);
        assertThat(up.get("journaledSequence").asLong()).isPositive();
    }

    /**
     * A monitor that sees the engine halted also sees why, as {@code loket run}'s last line says it:
     * here the journal's files are closed under the running engine, so the next command's write
     * fails as a full disk's would (JournalDiskFullIT), through the same stage and the same halt.
     */
    @Test
    void shouldSayWhyTheEngineHaltedInHealth() throws Exception {
        org.loket.host.metrics.EngineMetrics.register(engine, null);
        ticks.shutdownNow(); // nothing is being written while the files close: the write after it fails
        assertThat(ticks.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        engine.awaitQuiet(5_000);
        journal.close();
        engine.publishTick();
        Throwable failure = engine.failure().get(5, TimeUnit.SECONDS);
        assertThat(failure).as("the journal write failed, the core did not").hasMessageStartingWith("the journal could not be written to ");

        HttpResponse<String> health = send("GET", "/api/v1/health", TOKEN, null);
        assertThat(health.statusCode()).isEqualTo(503);
        JsonNode halted = JSON.readTree(health.body());
        assertThat(halted.get("status").asText()).as("as before, for existing monitors").isEqualTo("halted");
        assertThat(halted.get("message").asText()).isEqualTo("the engine halted after a failure; restart to recover from the journal");
        assertThat(halted.path("reason").asText()).startsWith("the journal could not be written to " + folder.resolve("journal") + " (")
                .contains("disk full? read-only?").doesNotContain("\n", "\tat ", "Exception:", TOKEN);
        assertThat(send("GET", "/metrics", TOKEN, null).body()).contains("loket_engine_up 0.0");
    }

    @Test
    void shouldListQueuesAgentsAndContactsWithTheirLiveState() throws Exception {
        engine.tryPublish((c, unused) -> {
            c.type = CommandType.CONTACT_ARRIVED;
            c.contactId = 42;
            c.entryId = 0;
            c.channel = Channel.VOICE.code();
        }, null);
        JsonNode queues = JSON.readTree(send("GET", "/api/v1/queues", TOKEN, null).body());
        assertThat(queues.get(0).get("name").asText()).isEqualTo("login-voice");
        assertThat(queues.get(0).has("waiting")).isTrue();
        JsonNode agents = JSON.readTree(send("GET", "/api/v1/agents", TOKEN, null).body());
        assertThat(agents).hasSize(engine.query(core -> core.config().agents().size()).get());
        assertThat(agents.get(0).get("state").asText()).isEqualTo("logged-out");
        assertThat(agents.get(0).get("voice").asText()).isEqualTo("on");
        JsonNode contacts = JSON.readTree(send("GET", "/api/v1/contacts", TOKEN, null).body());
        assertThat(contacts).singleElement().satisfies(c -> {
            assertThat(c.get("id").isTextual()).as("a string, as every contact id of the API").isTrue();
            assertThat(c.get("id").asText()).isEqualTo("42");
            assertThat(c.get("state").asText()).isEqualTo("self-service");
        });
    }

    /** A warm transfer's first agent shows with the contact until released. */
    @Test
    void shouldListTheAgentWhoStaysWithAWarmlyTransferredContact() throws Exception {
        RoutingConfig config = engine.query(RoutingCore::config).get();
        int agent = indexOf(config.agents().stream().map(a -> a.name()).toList(), "chat-desk-001");
        int entry = indexOf(config.entries().stream().map(e -> e.name()).toList(), "chat");
        int queue = indexOf(config.queues().stream().map(q -> q.name()).toList(), "digid-chat");
        publish(c -> {
            c.type = CommandType.AGENT_LOGGED_IN;
            c.agentId = agent;
        });
        publish(c -> {
            c.type = CommandType.CONTACT_ARRIVED;
            c.contactId = 43;
            c.entryId = entry;
            c.channel = Channel.CHAT.code();
        });
        publish(c -> {
            c.type = CommandType.OFFER_ACCEPTED;
            c.contactId = 43;
            c.agentId = agent;
        });
        publish(c -> {
            c.type = CommandType.TRANSFER_REQUESTED;
            c.contactId = 43;
            c.agentId = agent;
            c.queueId = queue;
            c.reason = org.loket.core.command.Command.TRANSFER_WARM;
        });
        engine.awaitQuiet(5_000);
        JsonNode contacts = JSON.readTree(send("GET", "/api/v1/contacts", TOKEN, null).body());
        assertThat(contacts).singleElement().satisfies(c -> {
            assertThat(c.get("state").asText()).isEqualTo("waiting");
            assertThat(c.get("stayingAgent").asText()).isEqualTo("chat-desk-001");
        });
    }

    private void publish(java.util.function.Consumer<org.loket.core.command.Command> fill) {
        engine.tryPublish((c, unused) -> fill.accept(c), null);
    }

    private static int indexOf(java.util.List<String> names, String name) {
        assertThat(names).contains(name);
        return names.indexOf(name);
    }

    @Test
    void shouldChangeAnAgentsStateThroughAJournaledCommand() throws Exception {
        String name = engine.query(core -> core.config().agents().get(0).name()).get();
        engine.tryPublish((c, unused) -> {
            c.type = CommandType.AGENT_LOGGED_IN;
            c.agentId = 0;
        }, null);
        HttpResponse<String> paused = send("POST", "/api/v1/agents/" + name + "/state", TOKEN, "{\"state\": \"paused\", \"reason\": 17}");
        assertThat(paused.statusCode()).as("the core took it before the answer: " + paused.body()).isEqualTo(200);
        assertThat(JSON.readTree(paused.body()).path("state").asText()).isEqualTo("paused");
        assertThat(JSON.readTree(paused.body()).path("pauseReason").asInt()).isEqualTo(17);
        assertThat(engine.query(core -> core.agentPauseReason(0)).get()).isEqualTo(17);
        // The core's own reasons (no-answer, logout-pending, reserved) and codes the configuration lacks are not the operator's.
        for (String reason : java.util.List.of("1", "2", "3", "15", "-1", "99", "true", "\"no-answer\"")) {
            HttpResponse<String> refused = send("POST", "/api/v1/agents/" + name + "/state", TOKEN,
                    "{\"state\": \"paused\", \"reason\": " + reason + "}");
            assertThat(refused.statusCode()).as(reason + ": " + refused.body()).isEqualTo(400);
            assertThat(refused.body()).contains("is not a pause reason of the configuration in force");
        }
        assertThat(engine.query(core -> core.agentPauseReason(0)).get()).as("still the first pause's reason").isEqualTo(17);

        assertThat(send("POST", "/api/v1/agents/nobody/state", TOKEN, "{\"state\": \"ready\"}").statusCode()).isEqualTo(404);
        HttpResponse<String> bad = send("POST", "/api/v1/agents/" + name + "/state", TOKEN, "{\"state\": \"asleep\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("ready, paused or logged-out");
        HttpResponse<String> notJson = send("POST", "/api/v1/agents/" + name + "/state", TOKEN, "{state: ready");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("the body must be JSON: {\\\"state\\\"");
        assertThat(send("GET", "/api/v1/nothing", TOKEN, null).statusCode()).isEqualTo(404);
    }

    /**
     * The core refuses to make a logged-out agent ready or paused (only the agent logs itself in):
     * the API says so with 409 instead of accepting a change that never happens. The refused
     * command is journaled, as every input is.
     */
    @Test
    void shouldRefuseToMakeALoggedOutAgentReadyAndSayWhy() throws Exception {
        String name = engine.query(core -> core.config().agents().get(1).name()).get();
        assertThat(engine.query(core -> core.agentPresence(1)).get()).isEqualTo(AgentState.LOGGED_OUT);
        HttpResponse<String> ready = send("POST", "/api/v1/agents/" + name + "/state", TOKEN, "{\"state\": \"ready\"}");

        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(409);
        assertThat(ready.body()).contains("'" + name + "' is logged out", "logs in at its desktop or phone");
        assertThat(engine.query(core -> core.agentPresence(1)).get()).isEqualTo(AgentState.LOGGED_OUT);
        assertThat(engine.query(core -> core.rejected(org.loket.core.decision.RejectReason.ILLEGAL_TRANSITION)).get())
                .as("the core's verdict").isEqualTo(1);
        assertThat(Files.readString(folder.resolve("journal.files").resolve("audit.csv"))).contains(name + ",ready refused: logged out");
    }

    @Test
    void shouldPauseWithAReasonOfTheConfigurationByNameAndShowItsName() throws Exception {
        var applier = new org.loket.host.config.ConfigApplier(engine, null, ConfigLoader.loadDefault());
        try (AdminServer named = AdminServer.startIfConfigured(engine, folder.resolve("journal"), Map.of("admin.bind", "127.0.0.1:0",
                "admin.tokenFile", folder.resolve("token").toString()), null, applier)) {
            String name = engine.query(core -> core.config().agents().get(0).name()).get();
            engine.tryPublish((c, unused) -> {
                c.type = CommandType.AGENT_LOGGED_IN;
                c.agentId = 0;
            }, null);
            String base = "http://127.0.0.1:" + named.address().getPort();
            HttpResponse<String> paused = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/agents/" + name + "/state"))
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"state\": \"paused\", \"reason\": \"training\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
            assertThat(JSON.readTree(paused.body()).path("pauseReasonName").asText()).isEqualTo("training");
            assertThat(engine.query(core -> core.agentPauseReason(0)).get()).as("the second reason of the default configuration")
                    .isEqualTo(org.loket.core.PauseReason.FIRST_OPERATOR_CODE + 1);
            JsonNode agents = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/agents"))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(agents.get(0).get("pauseReasonName").asText()).isEqualTo("training");
            org.loket.host.metrics.EngineMetrics.register(engine, applier);
            String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).header("Authorization", "Bearer " + TOKEN)
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("loket_agents_paused{reason=\"training\"} 1.0");

            HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/agents/" + name + "/state"))
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"state\": \"paused\", \"reason\": \"nap\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(unknown.statusCode()).isEqualTo(400);
            assertThat(unknown.body()).contains("'nap' is not a pause reason", "break, training, meeting, administration");
        }
    }

    @Test
    void shouldSpeakOnlyHttpsWithAKeyStoreAndNameTheSettingOfABadOne() throws Exception {
        Path store = org.loket.host.security.SelfSigned.keyStore(folder.resolve("admin.p12"), "changeit-admin");
        Path tokenFile = OwnerOnly.write(folder.resolve("token2"), TOKEN);
        try (AdminServer tls = AdminServer.startIfConfigured(engine, folder.resolve("journal"), Map.of("admin.bind", "127.0.0.1:0",
                "admin.tokenFile", tokenFile.toString(), "admin.tls.keystore", store.toString(),
                "admin.tls.keystore-password", "changeit-admin"), hours)) {
            assertThat(tls.scheme()).isEqualTo("https");
            HttpClient https = HttpClient.newBuilder().sslContext(org.loket.host.security.SelfSigned.trusting(store, "changeit-admin")).build();
            URI agents = URI.create("https://127.0.0.1:" + tls.address().getPort() + "/api/v1/agents");
            HttpResponse<String> answer = https.send(HttpRequest.newBuilder(agents).header("Authorization", "Bearer " + TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("generalist-001");
            HttpResponse<String> anonymous = https.send(HttpRequest.newBuilder(agents).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).as("TLS is no substitute for the token").isEqualTo(401);
            URI plain = URI.create("http://127.0.0.1:" + tls.address().getPort() + "/api/v1/agents");
            assertThatThrownBy(() -> HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(5)).build()
                    .send(HttpRequest.newBuilder(plain).timeout(java.time.Duration.ofSeconds(5)).header("Authorization", "Bearer " + TOKEN)
                            .build(), HttpResponse.BodyHandlers.ofString()))
                    .as("no plain HTTP on the TLS port: the token never crosses in the clear").isInstanceOf(java.io.IOException.class);
        }
        assertThatThrownBy(() -> AdminServer.startIfConfigured(engine, folder.resolve("journal"), Map.of("admin.bind", "127.0.0.1:0",
                "admin.tokenFile", tokenFile.toString(), "admin.tls.keystore", store.toString(),
                "admin.tls.keystore-password", "wrong"), hours))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("admin.tls.keystore " + store);
    }

    @Test
    void shouldNotStartWithoutATokenFile() throws Exception {
        assertThat(AdminServer.startIfConfigured(engine, folder, Map.of(), null)).as("no address: no server").isNull();
        assertThatThrownBy(() -> AdminServer.startIfConfigured(engine, folder, Map.of("admin.bind", "127.0.0.1:0"), null))
                .hasMessageContaining("never runs without a token");
        // A token others may read is no secret: refused at start, with the fix.
        Path shared = Files.writeString(folder.resolve("shared-token"), TOKEN);
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> AdminServer.startIfConfigured(engine, folder, Map.of("admin.bind", "127.0.0.1:0",
                "admin.tokenFile", shared.toString()), null))
                .hasMessage("admin.tokenFile " + shared + " holds secrets and others may read it: chmod 600 " + shared);
    }

    /**
     * A logout of an agent who holds a contact is accepted and pending: the core pauses it (nothing
     * new is offered) and logs it out when the contact is done, which the answer says.
     */
    @Test
    void shouldLogOutAnAgentWhoHoldsAContactOnceItIsDone() throws Exception {
        int desk = chatDeskWithAChat(78);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (engine.query(core -> core.agentLoad(desk, Channel.CHAT)).get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        HttpResponse<String> out = send("POST", "/api/v1/agents/chat-desk-001/state", TOKEN, "{\"state\": \"logged-out\"}");
        assertThat(out.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(out.body()).path("pending").asText()).isEqualTo("holds 1 contact: paused now, logged out when they are done");
        engine.awaitQuiet(5_000);
        assertThat(engine.query(core -> core.agentPresence(desk)).get()).isEqualTo(AgentState.PAUSED);
        assertThat(engine.query(core -> core.agentPauseReason(desk)).get()).isEqualTo(org.loket.core.PauseReason.LOGOUT_PENDING);
        assertThat(send("GET", "/api/v1/agents", TOKEN, null).body()).contains("logout-pending");

        engine.tryPublish((command, unused) -> {
            command.type = org.loket.core.command.CommandType.CONTACT_ABANDONED;
            command.contactId = 78;
        }, null);
        engine.awaitQuiet(5_000);
        assertThat(engine.query(core -> core.agentPresence(desk)).get()).as("the chat is gone: logged out").isEqualTo(AgentState.LOGGED_OUT);
    }

    /** Logs chat-desk-001 in and brings a chat it is offered at once (published; not awaited); returns the desk's index. */
    private int chatDeskWithAChat(long contactId) throws Exception {
        int desk = engine.query(core -> core.config().agents().stream().map(a -> a.name()).toList().indexOf("chat-desk-001")).get();
        int chatEntry = engine.query(core -> core.config().entries().stream().map(e -> e.name()).toList().indexOf("chat")).get();
        engine.tryPublish((c, unused) -> {
            c.type = CommandType.AGENT_LOGGED_IN;
            c.agentId = desk;
        }, null);
        engine.tryPublish((c, unused) -> {
            c.type = CommandType.CONTACT_ARRIVED;
            c.contactId = contactId;
            c.entryId = chatEntry;
            c.channel = Channel.CHAT.code();
        }, null);
        return desk;
    }

    @Test
    void shouldExplainWhyAContactWentToItsAgent() throws Exception {
        chatDeskWithAChat(77);
        HttpResponse<String> answer = send("GET", "/api/v1/contacts/77/explain", TOKEN, null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (answer.statusCode() == 404 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            answer = send("GET", "/api/v1/contacts/77/explain", TOKEN, null);
        }
        JsonNode offer = JSON.readTree(answer.body()).get("offers").get(0);
        assertThat(offer.get("agent").asText()).isEqualTo("chat-desk-001");
        assertThat(offer.get("queue").asText()).isEqualTo("digid-chat");
        assertThat(offer.get("rule").asText()).isEqualTo("LONGEST_IDLE_AGENT");
        assertThat(offer.get("candidates").asInt()).isEqualTo(1);
        java.time.OffsetDateTime time = java.time.OffsetDateTime.parse(offer.get("time").asText());
        assertThat(time.toInstant()).as("the same moment as timestampNs, readable")
                .isEqualTo(java.time.Instant.ofEpochSecond(0, offer.get("timestampNs").asLong()).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(time.getOffset()).as("in the helpdesk's zone (Europe/Amsterdam)")
                .isEqualTo(java.time.ZoneId.of("Europe/Amsterdam").getRules().getOffset(time.toInstant()));
        assertThat(send("GET", "/api/v1/contacts/123456/explain", TOKEN, null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/api/v1/contacts/-1/explain", TOKEN, null).statusCode())
                .as("-1 is the journal's no-contact: decisions about agents carry it").isEqualTo(400);
    }

    /**
     * Work items' ids go beyond 2^53: as JSON numbers, JavaScript and jq would round these two to
     * the same double (4613524731484533760), and explain would not find the rounded one. As strings
     * each lists apart, and explain answers for the id as listed. Two queues, one contact at the
     * head of each, so the offer's runner-up is the other contact.
     */
    @Test
    void shouldWriteContactIdsAbove2To53AsStringsThatExplainFinds() throws Exception {
        long first = 4613524731484533760L;
        long second = first + 1;
        assertThat((double) first).as("ids a double cannot tell apart").isEqualTo((double) second);
        Path twoQueues = configFolder("two-queues", """
                version: 2
                skills: [s]
                queues: [{name: a, channel: voice, skill: s}, {name: b, channel: voice, skill: s}]
                agents: [{name: ann, skills: {s: 3}}]
                entries: [{name: to-a, queue: a}, {name: to-b, queue: b}]
                """);
        HttpResponse<String> applied = send("POST", "/api/v1/config", TOKEN, "{\"folder\": \"" + twoQueues + "\"}");
        assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
        long[] ids = {first, second};
        for (int entry = 0; entry < ids.length; entry++) {
            long id = ids[entry];
            int to = entry;
            publish(c -> {
                c.type = CommandType.CONTACT_ARRIVED;
                c.contactId = id;
                c.entryId = to;
                c.channel = Channel.VOICE.code();
            });
        }
        publish(c -> {
            c.type = CommandType.AGENT_LOGGED_IN;
            c.agentId = 0;
        });
        engine.awaitQuiet(5_000);
        JsonNode contacts = JSON.readTree(send("GET", "/api/v1/contacts", TOKEN, null).body());
        assertThat(contacts.findValues("id")).allSatisfy(id -> assertThat(id.isTextual()).isTrue())
                .extracting(JsonNode::asText).containsExactlyInAnyOrder(Long.toString(first), Long.toString(second));
        JsonNode offered = null;
        for (JsonNode row : contacts) {
            String id = row.get("id").asText();
            HttpResponse<String> explained = send("GET", "/api/v1/contacts/" + id + "/explain", TOKEN, null);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (explained.statusCode() == 404 && System.nanoTime() < deadline) { // the decision journal may trail the core
                Thread.sleep(20);
                explained = send("GET", "/api/v1/contacts/" + id + "/explain", TOKEN, null);
            }
            assertThat(explained.statusCode()).as(id + ": " + explained.body()).isEqualTo(200);
            JsonNode story = JSON.readTree(explained.body());
            assertThat(story.get("contact").isTextual()).isTrue();
            assertThat(story.get("contact").asText()).isEqualTo(id);
            if (!story.get("offers").isEmpty()) {
                offered = story.get("offers").get(0);
                assertThat(offered.get("rule").asText()).isEqualTo("BEST_WAITING_CONTACT");
                assertThat(offered.get("runnerUpContact").isTextual()).isTrue();
                assertThat(offered.get("runnerUpContact").asText()).as("the other one")
                        .isEqualTo(Long.toString(id.equals(Long.toString(first)) ? second : first));
            }
        }
        assertThat(offered).as("one of them was offered to ann").isNotNull();
    }

    /**
     * A phone that stops answering switches its agent's voice off (AGENT_CHANNEL_SET) and leaves
     * its state alone: the agents listing says so beside the state.
     */
    @Test
    void shouldListWhetherAnAgentsVoiceIsOn() throws Exception {
        publish(c -> {
            c.type = CommandType.AGENT_LOGGED_IN;
            c.agentId = 0;
        });
        publish(c -> {
            c.type = CommandType.AGENT_CHANNEL_SET;
            c.agentId = 0;
            c.channel = Channel.VOICE.code();
            c.input = 0;
            c.reason = org.loket.core.command.Command.PHONE_UNREACHABLE;
        });
        engine.awaitQuiet(5_000);
        JsonNode agents = JSON.readTree(send("GET", "/api/v1/agents", TOKEN, null).body());
        assertThat(agents.get(0).get("state").asText()).as("still logged in").isEqualTo("ready");
        assertThat(agents.get(0).get("voice").asText()).isEqualTo("off");
        assertThat(agents.get(1).get("voice").asText()).as("the others' is on").isEqualTo("on");

        publish(c -> {
            c.type = CommandType.AGENT_CHANNEL_SET;
            c.agentId = 0;
            c.channel = Channel.VOICE.code();
            c.input = 1;
        });
        engine.awaitQuiet(5_000);
        assertThat(JSON.readTree(send("GET", "/api/v1/agents", TOKEN, null).body()).get(0).get("voice").asText()).isEqualTo("on");
    }

    @Test
    void shouldApplyAValidConfigurationThatTheLiveStateFitsAndRefuseOtherwiseKeepingTheRunningOne() throws Exception {
        Path good = configFolder("good", """
                version: 5
                skills: [s]
                queues: [{name: q, channel: voice, skill: s}]
                agents: [{name: ann, skills: {s: 3}}]
                entries: [{name: phone, queue: q}]
                """);
        Path bad = configFolder("bad", "version: 6\nqueues: [{name: q, channel: fax}]\n");

        HttpResponse<String> invalid = send("POST", "/api/v1/config", TOKEN, "{\"folder\": \"" + bad + "\"}");
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(invalid.body()).contains("routing.yaml:2", "queues[0].channel");

        engine.tryPublish((c, unused) -> {
            c.type = CommandType.AGENT_LOGGED_IN;
            c.agentId = 0;
        }, null);
        HttpResponse<String> busy = send("POST", "/api/v1/config", TOKEN, "{\"folder\": \"" + good + "\"}");
        assertThat(busy.statusCode()).as(busy.body()).isEqualTo(409);
        assertThat(busy.body()).contains("agent 'generalist-001' is logged in and not in the new configuration");
        assertThat(engine.query(core -> core.config().version()).get()).isEqualTo(1);

        engine.tryPublish((c, unused) -> {
            c.type = CommandType.AGENT_STATE_CHANGED;
            c.agentId = 0;
            c.agentState = AgentState.LOGGED_OUT.code();
        }, null);
        HttpResponse<String> applied = send("POST", "/api/v1/config", TOKEN, "{\"folder\": \"" + good + "\"}");
        assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
        assertThat(engine.query(core -> core.config().version()).get()).isEqualTo(5);
    }

    /** With admin.configRoot only folders under it are read: the loader's messages quote what they found. */
    @Test
    void shouldApplyConfigurationsOnlyFromUnderTheConfigRoot() throws Exception {
        Path root = Files.createDirectories(folder.resolve("configs"));
        Path inside = Files.createDirectories(root.resolve("v6"));
        Files.writeString(inside.resolve("routing.yaml"), "version: 6\nqueues: [{name: q, channel: fax}]\n");
        Path outside = configFolder("elsewhere", "version: \"TOPSECRET\"\n");
        try (AdminServer rooted = AdminServer.startIfConfigured(engine, folder.resolve("journal"), Map.of("admin.bind", "127.0.0.1:0",
                "admin.tokenFile", folder.resolve("token").toString(), "admin.configRoot", root.toString()), null)) {
            String base = "http://127.0.0.1:" + rooted.address().getPort() + "/api/v1/config";
            java.util.function.Function<Path, HttpResponse<String>> apply = path -> {
                try {
                    return http.send(HttpRequest.newBuilder(URI.create(base)).header("Authorization", "Bearer " + TOKEN)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"folder\": \"" + path + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            HttpResponse<String> refused = apply.apply(outside);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("inside admin.configRoot").doesNotContain("TOPSECRET");
            assertThat(apply.apply(root.resolve("v6/../../elsewhere")).statusCode()).as("not by climbing out").isEqualTo(403);
            HttpResponse<String> checked = apply.apply(inside);
            assertThat(checked.statusCode()).as("inside: read and checked as ever").isEqualTo(422);
            assertThat(checked.body()).contains("queues[0].channel");
            Path secretLike = Files.writeString(root.resolve("notes.txt"), "root:TOPSECRET:20228\n");
            HttpResponse<String> file = apply.apply(secretLike);
            assertThat(file.statusCode()).as("a file, even inside: only folders are read").isEqualTo(400);
            assertThat(file.body()).contains("is a file").doesNotContain("TOPSECRET");
        }
        assertThat(Files.readAllLines(folder.resolve("journal.files").resolve("audit.csv"))).anySatisfy(line -> assertThat(line).endsWith("refused: outside admin.configRoot"));
        assertThatThrownBy(() -> AdminServer.startIfConfigured(engine, folder.resolve("journal"), Map.of("admin.bind", "127.0.0.1:0",
                "admin.tokenFile", folder.resolve("token").toString(), "admin.configRoot", folder.resolve("nothing").toString()), null))
                .hasMessageStartingWith("admin.configRoot=");
        // loket run without admin.configRoot: its working folder and its --config folder.
        AdminServer.Options defaults = AdminServer.Options.from(Map.of("admin.bind", "127.0.0.1:0",
                "admin.tokenFile", folder.resolve("token").toString()), java.util.List.of(root, folder.resolve("not-there")));
        assertThat(defaults.configRoots()).as("real paths; a missing folder holds nothing to read").containsExactly(root.toRealPath());
        try (AdminServer defaulted = AdminServer.start(engine, folder.resolve("journal"), null, new org.loket.host.config.ConfigApplier(engine, null, null), defaults)) {
            String base = "http://127.0.0.1:" + defaulted.address().getPort() + "/api/v1/config";
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(base)).header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"folder\": \"" + outside + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).as("names where configurations may come from, not a setting that is not set")
                    .contains(root.toRealPath().toString(), "as admin.configRoot is not set");
        }
    }

    @Test
    void shouldCloseAQueueWithAMessageAndOpenItAgain() throws Exception {
        HttpResponse<String> closed = send("PUT", "/api/v1/queues/digid-chat/closure", TOKEN, "{\"prompt\": \"info-status\"}");
        assertThat(closed.statusCode()).as(closed.body()).isEqualTo(202);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        JsonNode chat = null;
        while (System.nanoTime() < deadline) {
            chat = JSON.readTree(send("GET", "/api/v1/queues", TOKEN, null).body()).findParents("name").stream()
                    .filter(q -> q.get("name").asText().equals("digid-chat")).findFirst().orElseThrow();
            if (chat.has("closedWith")) {
                break;
            }
            Thread.sleep(10);
        }
        assertThat(chat.get("closedWith").asText()).isEqualTo("info-status");
        assertThat(send("PUT", "/api/v1/queues/digid-chat/closure", TOKEN, "{\"prompt\": \"nope\"}").statusCode()).isEqualTo(400);
        assertThat(send("PUT", "/api/v1/queues/nowhere/closure", TOKEN, "{\"prompt\": \"info-status\"}").statusCode()).isEqualTo(404);
        assertThat(send("DELETE", "/api/v1/queues/*/closure", TOKEN, null).statusCode()).isEqualTo(202);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (engine.query(core -> core.queueClosurePrompt(core.config().queues().stream().map(q -> q.name()).toList()
                .indexOf("digid-chat"))).get() >= 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(JSON.readTree(send("GET", "/api/v1/queues", TOKEN, null).body()).toString()).doesNotContain("closedWith");
    }

    /**
     * The scraper and the load balancer store their token: the monitoring token reads metrics and
     * health, and nothing else (403, counted), not even the lists of agents and contacts.
     */
    @Test
    void shouldLetTheMonitoringTokenReadMetricsAndHealthOnly() throws Exception {
        org.loket.host.metrics.EngineMetrics.register(engine, null);
        Path monitoring = OwnerOnly.write(folder.resolve("monitoring"), "scraper-token-of-16+chars\n");
        try (AdminServer both = AdminServer.startIfConfigured(engine, folder.resolve("journal"), Map.of("admin.bind", "127.0.0.1:0",
                "admin.tokenFile", folder.resolve("token").toString(), "admin.monitoringTokenFile", monitoring.toString()), null)) {
            String base = "http://127.0.0.1:" + both.address().getPort();
            java.util.function.BiFunction<String, String, Integer> status = (method, path) -> {
                try {
                    return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer scraper-token-of-16+chars")
                            .method(method, HttpRequest.BodyPublishers.ofString(method.equals("GET") ? "" : "{\"prompt\": \"outage\"}"))
                            .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            engine.awaitQuiet(5_000);
            assertThat(status.apply("GET", "/metrics")).isEqualTo(200);
            assertThat(status.apply("GET", "/api/v1/health")).isEqualTo(200);
            assertThat(status.apply("GET", "/api/v1/agents")).isEqualTo(403);
            assertThat(status.apply("GET", "/api/v1/contacts")).isEqualTo(403);
            assertThat(status.apply("PUT", "/api/v1/announcement")).isEqualTo(403);
            assertThat(both.refused()).isEqualTo(3);
            assertThat(send("GET", "/api/v1/agents", TOKEN, null).statusCode()).as("the operators' token as before").isEqualTo(200);
        }
        Path clash = OwnerOnly.write(folder.resolve("clash"), "monitoring=a-token-of-16+chars!!\n");
        assertThatThrownBy(() -> AdminServer.startIfConfigured(engine, folder.resolve("journal"), Map.of("admin.bind", "127.0.0.1:0",
                "admin.operatorsFile", clash.toString()), null)).hasMessageContaining("'monitoring' names the token of admin.monitoringTokenFile");
    }

    @Test
    void shouldNameTheOperatorWhoseTokenMadeAChangeInTheAudit() throws Exception {
        Path operators = OwnerOnly.write(folder.resolve("operators"), "alice=alice-token-of-16+chars\nbob=bob-token-of-16+chars!!\n");
        try (AdminServer named = AdminServer.startIfConfigured(engine, folder.resolve("journal"), Map.of("admin.bind", "127.0.0.1:0",
                "admin.operatorsFile", operators.toString()), null)) {
            String base = "http://127.0.0.1:" + named.address().getPort();
            for (String token : new String[] {"bob-token-of-16+chars!!", "alice-token-of-16+chars"}) {
                HttpResponse<String> set = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/announcement"))
                        .header("Authorization", "Bearer " + token).PUT(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"outage\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(set.statusCode()).as(set.body()).isEqualTo(202);
            }
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/announcement")).header("Authorization", "Bearer " + TOKEN)
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).as("no shared token given: the shared one is not valid").isEqualTo(401);
        }
        assertThat(Files.readAllLines(folder.resolve("journal.files").resolve("audit.csv")).stream().skip(1).map(line -> line.substring(line.indexOf(',') + 1)))
                .containsExactly("admin-api,bob,announcement-set,outage,", "admin-api,alice,announcement-set,outage,");

        Path twins = OwnerOnly.write(folder.resolve("twins"), "carol=the-same-token-16chars\ndave=the-same-token-16chars\n");
        assertThatThrownBy(() -> AdminServer.startIfConfigured(engine, folder.resolve("journal"), Map.of("admin.bind", "127.0.0.1:0",
                "admin.operatorsFile", twins.toString()), null)).hasMessageContaining("the same token as another");
        Path shortOne = OwnerOnly.write(folder.resolve("short"), "erin=short\n");
        assertThatThrownBy(() -> AdminServer.startIfConfigured(engine, folder.resolve("journal"), Map.of("admin.bind", "127.0.0.1:0",
                "admin.operatorsFile", shortOne.toString()), null)).hasMessageContaining("operator 'erin' in admin.operatorsFile must be at least 16");
    }

    @Test
    void shouldSetTheServiceAnnouncementAndClearIt() throws Exception {
        assertThat(JSON.readTree(send("GET", "/api/v1/announcement", TOKEN, null).body()).get("prompt").isNull()).isTrue();
        HttpResponse<String> set = send("PUT", "/api/v1/announcement", TOKEN, "{\"prompt\": \"outage\"}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(202);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String shown = null;
        while (System.nanoTime() < deadline && shown == null) {
            shown = JSON.readTree(send("GET", "/api/v1/announcement", TOKEN, null).body()).get("prompt").textValue();
            Thread.sleep(10);
        }
        assertThat(shown).isEqualTo("outage");
        assertThat(engine.query(core -> core.config().prompts().get(core.announcementPrompt())).get()).isEqualTo("outage");
        org.loket.host.metrics.EngineMetrics.register(engine, null);
        assertThat(send("GET", "/metrics", TOKEN, null).body()).contains("loket_announcement_active{prompt=\"outage\"} 1.0");
        HttpResponse<String> unknown = send("PUT", "/api/v1/announcement", TOKEN, "{\"prompt\": \"nope\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("no prompt 'nope'", "outage");
        assertThat(send("PUT", "/api/v1/announcement", TOKEN, "{}").statusCode()).isEqualTo(400);
        assertThat(send("PUT", "/api/v1/announcement", "wrong", "{\"prompt\": \"outage\"}").statusCode()).isEqualTo(401);
        assertThat(send("DELETE", "/api/v1/announcement", TOKEN, null).statusCode()).isEqualTo(202);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (engine.query(core -> core.announcementPrompt()).get() >= 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(JSON.readTree(send("GET", "/api/v1/announcement", TOKEN, null).body()).get("prompt").isNull()).isTrue();
        // Who asked: the accepted changes in the audit beside the journal (not the refused ones).
        Path audit = folder.resolve("journal.files").resolve("audit.csv");
        List<String> lines = Files.readAllLines(audit);
        assertThat(lines.get(0)).isEqualTo(org.loket.host.audit.OperatorAudit.HEADER);
        assertThat(lines.subList(1, lines.size())).hasSize(2).satisfiesExactly(
                line -> assertThat(line).endsWith(",admin-api,admin-token,announcement-set,outage,"),
                line -> assertThat(line).endsWith(",admin-api,admin-token,announcement-cleared,,"));
        assertThat(Files.getPosixFilePermissions(audit)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void shouldFollowTheHoursOfAnAppliedConfigurationAndListQueuesClosedByThem() throws Exception {
        Path withHours = configFolder("hours", """
                version: 7
                skills: [s]
                prompts: {closed: {nl: "Wij zijn gesloten"}}
                queues: [{name: q, channel: voice, skill: s}, {name: night, channel: voice, skill: s}]
                agents: [{name: ann, skills: {s: 3}}]
                entries: [{name: phone, queue: q}]
                hours:
                  weekdays: "08:00-22:00"
                  weekend: closed
                  closedPrompt: closed
                  queues: {night: {weekdays: "00:00-24:00"}}
                """);
        HttpResponse<String> applied = send("POST", "/api/v1/config", TOKEN, "{\"folder\": \"" + withHours + "\"}");
        assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        JsonNode queues = JSON.readTree(send("GET", "/api/v1/queues", TOKEN, null).body());
        while (!queues.get(0).get("closedByHours").asBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            queues = JSON.readTree(send("GET", "/api/v1/queues", TOKEN, null).body());
        }
        assertThat(queues.get(0).get("name").asText()).isEqualTo("q");
        assertThat(queues.get(0).get("open").asBoolean()).isFalse();
        assertThat(queues.get(0).get("closedByHours").asBoolean()).isTrue();
        assertThat(queues.get(0).get("hoursPrompt").asText()).isEqualTo("closed");
        assertThat(queues.get(0).get("hoursChangeAt").asText()).as("opens at 08:00 in Amsterdam").isEqualTo("2027-03-01T07:00:00Z");
        assertThat(queues.get(0).has("closedWith")).as("not an emergency closure").isFalse();
        assertThat(queues.get(1).get("open").asBoolean()).isTrue();
        assertThat(queues.get(1).get("closedByHours").asBoolean()).isFalse();
        assertThat(queues.get(1).get("hoursChangeAt").asText()).as("closes at midnight before Saturday").isEqualTo("2027-03-05T23:00:00Z");
        assertThat(hours.published()).isEqualTo(2);
    }
}
