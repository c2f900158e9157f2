package org.loket.host.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.command.CommandType;
import org.loket.host.journal.Journal;
import org.loket.host.pipeline.Engine;
import org.loket.host.pipeline.EngineSettings;

/** The figures a Prometheus scrape of a running engine shows, by queue name across a reload that moves ids. */
class MetricsTest {
    @TempDir
    Path folder;
    private Journal journal;
    private Engine engine;

    @BeforeEach
    void start() throws Exception {
        journal = Journal.open(folder.resolve("journal"));
        engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
        engine.publishConfig(config("one", 1, "[{name: tax, channel: voice, skill: s}, {name: login, channel: voice, skill: s}]",
                "[{name: tax-line, queue: tax}, {name: login-line, queue: login}]"));
        engine.awaitQuiet(5_000);
        engine.startGateway(new DecisionCounters(), config("one", 1, "[{name: tax, channel: voice, skill: s}, {name: login, channel: voice, skill: s}]",
                "[{name: tax-line, queue: tax}, {name: login-line, queue: login}]"), Map.of());
        EngineMetrics.register(engine, null);
    }

    @AfterEach
    void stop() {
        engine.close();
        journal.close();
    }

    private LoadedConfig config(String name, int version, String queues, String entries) throws Exception {
        Path dir = Files.createDirectories(folder.resolve(name));
        Files.writeString(dir.resolve("routing.yaml"), "version: " + version + "\nskills: [s]\nqueues: " + queues
                + "\nagents: [{name: ann, skills: {s: 3}}, {name: bob, skills: {s: 3}}]\nentries: " + entries + "\n");
        return ConfigLoader.load(dir);
    }

    private void publish(CommandType type, long contactId, int agentId, int entryId) {
        assertThat(engine.tryPublish((c, unused) -> {
            c.type = type;
            c.contactId = contactId;
            c.agentId = agentId;
            c.entryId = entryId;
            c.channel = Channel.VOICE.code();
            if (type == CommandType.AGENT_STATE_CHANGED) {
                c.agentState = AgentState.LOGGED_OUT.code();
            }
        }, null)).isTrue();
    }

    private String scrape() throws Exception {
        engine.awaitQuiet(5_000);
        var out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, engine.metrics().scrape(), EscapingScheme.DEFAULT);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The value of the one sample {@code series} (name and labels exactly as the text format writes them). */
    private static double value(String text, String series) {
        return text.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no sample " + series + " in\n" + text));
    }

    @Test
    void shouldCountWhatHappenedPerQueueByNameAcrossAReloadThatMovesIds() throws Exception {
        publish(CommandType.AGENT_LOGGED_IN, -1, 0, -1);  // ann
        publish(CommandType.CONTACT_ARRIVED, 1, -1, 1);   // login: offered to ann
        publish(CommandType.OFFER_ACCEPTED, 1, 0, -1);
        publish(CommandType.CONTACT_ARRIVED, 2, -1, 1);   // login: waits, nobody free
        String during = scrape();
        assertThat(value(during, "loket_queue_waiting{queue=\"login\"}")).isEqualTo(1);
        assertThat(value(during, "loket_agents{state=\"busy\"}")).isEqualTo(1);
        assertThat(value(during, "loket_contacts_live")).isEqualTo(2);
        assertThat(value(during, "loket_announcement_active")).as("no service announcement").isZero();
        assertThat(value(during, "loket_queue_longest_wait_seconds{queue=\"login\"}")).isGreaterThanOrEqualTo(0);

        publish(CommandType.CONTACT_ABANDONED, 2, -1, -1);
        publish(CommandType.CONTACT_ENDED, 1, -1, -1);
        // A new queue first: login moves from id 1 to id 2, tax from 0 to 1.
        LoadedConfig two = config("two", 2, "[{name: chat, channel: chat, skill: s}, {name: tax, channel: voice, skill: s}, "
                + "{name: login, channel: voice, skill: s}]", "[{name: chat-line, queue: chat}, {name: tax-line, queue: tax}, "
                + "{name: login-line, queue: login}]");
        engine.publishConfig(two);
        engine.awaitQuiet(5_000);
        publish(CommandType.AGENT_STATE_CHANGED, -1, 0, -1); // ann logs out (after wrap-up, if any)
        publish(CommandType.CONTACT_ARRIVED, 3, -1, 2);      // login again, under its new id: nobody logged in
        publish(CommandType.CONTACT_ABANDONED, 3, -1, -1);

        String after = scrape();
        assertThat(value(after, "loket_queue_contacts_queued_total{queue=\"login\"}")).as(after).isEqualTo(3);
        assertThat(value(after, "loket_queue_contacts_queued_total{queue=\"tax\"}")).isZero();
        assertThat(value(after, "loket_queue_contacts_queued_total{queue=\"chat\"}")).isZero();
        assertThat(value(after, "loket_queue_offers_total{queue=\"login\",rule=\"longest_idle_agent\"}")).isEqualTo(1);
        assertThat(value(after, "loket_queue_contacts_ended_total{outcome=\"answered\",queue=\"login\"}")).isEqualTo(1);
        assertThat(value(after, "loket_queue_contacts_ended_total{outcome=\"abandoned\",queue=\"login\"}")).isEqualTo(2);
        assertThat(value(after, "loket_queue_contacts_ended_total{outcome=\"abandoned\",queue=\"tax\"}")).isZero();
        assertThat(value(after, "loket_commands_total{type=\"contact_arrived\"}")).isEqualTo(3);
        assertThat(value(after, "loket_decisions_total{type=\"configuration_applied\"}")).isEqualTo(1);
        assertThat(value(after, "loket_config_version")).isEqualTo(2);
        assertThat(value(after, "loket_queue_waiting{queue=\"login\"}")).isZero();
        assertThat(value(after, "loket_engine_up")).isEqualTo(1);
        // Two configurations and nine commands of the test, and the ticks the scrapes' reads published.
        assertThat(value(after, "loket_engine_commands_total")).isBetween(11.0, (double) engine.processed());
    }

    @Test
    void shouldShowTheEscalationsAndDeflectionsAConfigurationHasFromZero() throws Exception {
        engine.publishConfig(config("steps", 2, "[{name: tax, channel: voice, skill: s, deflect: {maxWaiting: 5, offerCallback: true}}, "
                + "{name: login, channel: voice, skill: s, escalation: [{after: 60, offerCallback: true}, {after: 600, overflow: tax}]}]",
                "[{name: tax-line, queue: tax}, {name: login-line, queue: login}]"));
        String text = scrape();
        // Before any step acted: a series per step and policy, in the queue it counts in (an overflow: its target).
        assertThat(value(text, "loket_queue_escalations_total{action=\"offer_callback\",queue=\"login\"}")).isZero();
        assertThat(value(text, "loket_queue_escalations_total{action=\"overflow\",queue=\"tax\"}")).isZero();
        assertThat(value(text, "loket_queue_deflections_total{action=\"offer_callback\",queue=\"tax\"}")).isZero();
        assertThat(text).doesNotContain("loket_queue_escalations_total{action=\"overflow\",queue=\"login\"}")
                .doesNotContain("loket_queue_deflections_total{action=\"offer_callback\",queue=\"login\"}");
    }

    @Test
    void shouldCountRefusedCommandsByReasonAndCommand() throws Exception {
        publish(CommandType.OFFER_ACCEPTED, 99, 0, -1); // no such contact
        String text = scrape();
        assertThat(value(text, "loket_commands_rejected_total{command=\"offer_accepted\",reason=\"unknown_contact\"}")).as(text).isEqualTo(1);
    }
}
