package org.loket.host.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loket.host.cli.Cli;

/**
 * ops/monitoring's alert rules and dashboard against what a running {@code loket run} really
 * exposes on {@code GET /metrics}, and their shape as Prometheus and Grafana read them. The chat
 * and telephony families are checked where they are registered (the adapters' tests).
 */
class MonitoringFilesTest {
    private static final String TOKEN = "monitoring-test-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Produced by the adapters, not by an engine alone. */
    private static final Predicate<String> ENGINE_AND_JVM = name -> !name.startsWith("loket_chat_") && !name.startsWith("loket_telephony_");

    @TempDir
    Path folder;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    @Timeout(60)
    void shouldFindEveryMetricLabelAndValueTheFilesUseInAScrapeOfARunningLoket() throws Exception {
        Path token = org.loket.host.security.OwnerOnly.write(folder.resolve("token"), TOKEN + "\n");
        StringWriter out = new StringWriter();
        // Synthetic traffic logs the roster in and brings contacts; the test gateway offers one at once (an offer by rule).
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> Cli.execute(out, "run", "--journal",
                folder.resolve("journal").toString(), "--duration-seconds", "10", "--status-seconds", "0", "--ignore-hours",
                "--synthetic-rate", "5", "--set", "recording-gateway=on", "--set", "admin.bind=127.0.0.1:0", "--set", "admin.tokenFile=" + token));
        int exit;
        try {
            String base = "http://127.0.0.1:" + adminPort(out, run);
            List<String> ready = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            while (ready.size() < 8 && System.nanoTime() < deadline) {
                Thread.sleep(50);
                ready.clear();
                for (JsonNode agent : JSON.readTree(get(base + "/api/v1/agents"))) {
                    if (agent.path("state").asText().equals("ready")) {
                        ready.add(agent.path("name").asText());
                    }
                }
            }
            assertThat(ready).as("ready agents").hasSizeGreaterThanOrEqualTo(5);
            // Paused agents by reason (one taking an offer meanwhile counts as offered: three make sure), and a command
            // the core refuses (409): a logged-out agent cannot become ready. A log-out of an agent holding a contact
            // offered after the API looked is pending (202): try the next.
            for (String agent : ready.subList(0, 3)) {
                assertThat(post(base + "/api/v1/agents/" + agent + "/state", "{\"state\":\"paused\",\"reason\":\"break\"}")).isEqualTo(200);
            }
            int loggedOut = 3;
            while (post(base + "/api/v1/agents/" + ready.get(loggedOut) + "/state", "{\"state\":\"logged-out\"}") == 202) {
                loggedOut++;
                assertThat(loggedOut).as("an agent without a contact to log out").isLessThan(ready.size());
            }
            assertThat(post(base + "/api/v1/agents/" + ready.get(loggedOut) + "/state", "{\"state\":\"ready\"}")).isEqualTo(409);
            String scrape = "";
            while (System.nanoTime() < deadline && !(scrape.contains("loket_agents_paused{reason=\"break\"}")
                    && scrape.contains("loket_commands_rejected_total{") && scrape.contains("loket_queue_offers_total{"))) {
                Thread.sleep(100);
                scrape = get(base + "/metrics");
            }
            assertThat(scrape).contains("loket_agents_paused{reason=\"break\"}", "loket_commands_rejected_total{command=\"agent_state_changed\"",
                    "loket_queue_offers_total{");

            assertThat(MonitoringFiles.metricsUsed()).as("the files use the engine's and the JVM's families")
                    .contains("loket_queue_waiting", "loket_queue_contacts_ended_total", "loket_agents", "loket_engine_up",
                            "loket_journal_last_sequence", "jvm_memory_used_bytes", "jvm_gc_collection_seconds_sum");
            assertThat(MonitoringFiles.problems(scrape, ENGINE_AND_JVM)).as("against\n" + scrape).isEmpty();

            // The same check finds a metric, a label and a value the scrape lacks.
            String mutilated = scrape.lines().filter(l -> !l.startsWith("loket_queue_longest_wait_seconds"))
                    .map(l -> l.replace("rule=\"", "kind=\"").replace("state=\"wrap_up\"", "state=\"after_call\""))
                    .reduce("", (a, b) -> a + b + "\n");
            assertThat(MonitoringFiles.problems(mutilated, ENGINE_AND_JVM))
                    .anySatisfy(p -> assertThat(p).contains("alert LoketQueueLongWait: loket_queue_longest_wait_seconds is not in the scrape"))
                    .anySatisfy(p -> assertThat(p).contains("panel 'Offers per queue and rule'").contains("loket_queue_offers_total has no label 'rule'"))
                    .anySatisfy(p -> assertThat(p).contains("alert LoketContactsWaitingNobodyWorking: no loket_agents has state=\"wrap_up\""));
        } finally {
            exit = run.get(30, TimeUnit.SECONDS); // the run ends by itself (--duration-seconds)
        }
        assertThat(exit).as(out.toString()).isZero();
    }

    private static int adminPort(StringWriter out, CompletableFuture<Integer> run) throws InterruptedException {
        Pattern admin = Pattern.compile("admin API on http://127\\.0\\.0\\.1:(\\d+)/");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && !run.isDone()) {
            Matcher m = admin.matcher(out.toString());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no admin API line in\n" + out);
    }

    private int post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private String get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    @Test
    void shouldGiveEveryAlertAnExpressionAWaitASeverityAndWordsForTheOperator() {
        Map<?, ?> rules = MonitoringFiles.rules();
        assertThat((List<?>) rules.get("groups")).isNotEmpty().allSatisfy(group -> {
            assertThat(((Map<?, ?>) group).get("name")).asString().startsWith("loket-");
            assertThat((List<?>) ((Map<?, ?>) group).get("rules")).isNotEmpty();
        });
        Set<String> names = new HashSet<>();
        for (Map<?, ?> rule : MonitoringFiles.alertRules()) {
            String alert = String.valueOf(rule.get("alert"));
            assertThat(alert).as("alert name").matches("Loket[A-Z][A-Za-z]+");
            assertThat(names.add(alert)).as("alert names are unique: " + alert).isTrue();
            assertThat(rule.get("expr")).as(alert + " expr").isInstanceOf(String.class).asString().isNotBlank();
            assertThat(rule.get("for")).as(alert + " for").isInstanceOf(String.class).asString().matches("\\d+[smh]");
            assertThat(((Map<?, ?>) rule.get("labels")).get("severity")).as(alert + " severity").isIn("critical", "warning");
            Map<?, ?> annotations = (Map<?, ?>) rule.get("annotations");
            assertThat(annotations.get("summary")).as(alert + " summary").asString().isNotBlank();
            assertThat(annotations.get("description")).as(alert + " description").asString().isNotBlank();
            assertThat(MonitoringFiles.use(new MonitoringFiles.Expression(alert, (String) rule.get("expr"), Set.of())).selectors())
                    .as(alert + " selects a metric").isNotEmpty();
        }
    }

    @Test
    void shouldExplainEveryAlertInTheReadme() throws Exception {
        String readme = Files.readString(MonitoringFiles.file("README.md"));
        int section = readme.indexOf("### Monitoring: alerts and dashboard");
        assertThat(section).as("README section").isPositive();
        String text = readme.substring(section);
        for (Map<?, ?> rule : MonitoringFiles.alertRules()) {
            assertThat(text).as("README explains " + rule.get("alert")).contains("`" + rule.get("alert") + "`");
        }
    }

    @Test
    void shouldImportTheDashboardIntoAnyGrafanaAndFilterQueuesByTheVariable() {
        JsonNode dashboard = MonitoringFiles.dashboard();
        assertThat(dashboard.path("__inputs")).singleElement().satisfies(input -> {
            assertThat(input.path("name").asText()).isEqualTo("DS_PROMETHEUS");
            assertThat(input.path("type").asText()).isEqualTo("datasource");
            assertThat(input.path("pluginId").asText()).isEqualTo("prometheus");
        });
        assertThat(dashboard.path("title").asText()).isNotBlank();
        JsonNode queue = null;
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("name").asText().equals("queue")) {
                queue = variable;
            }
        }
        assertThat(queue).as("a queue variable").isNotNull();
        assertThat(queue.path("datasource").path("uid").asText()).isEqualTo("${DS_PROMETHEUS}");
        assertThat(queue.path("definition").asText()).isEqualTo("label_values(loket_queue_waiting, queue)");
        assertThat(queue.path("includeAll").asBoolean()).isTrue();

        List<JsonNode> panels = MonitoringFiles.panels();
        assertThat(panels).hasSizeGreaterThan(10);
        Set<Integer> ids = new HashSet<>();
        List<int[]> boxes = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("unique panel id " + panel.path("id")).isTrue();
            JsonNode g = panel.path("gridPos");
            int[] box = {g.path("x").asInt(), g.path("y").asInt(), g.path("w").asInt(), g.path("h").asInt()};
            assertThat(box[0] + box[2]).as(panel.path("title") + " fits 24 columns").isLessThanOrEqualTo(24);
            assertThat(box[2] * box[3]).as(panel.path("title") + " has a size").isPositive();
            for (int[] other : boxes) {
                boolean apart = box[0] + box[2] <= other[0] || other[0] + other[2] <= box[0]
                        || box[1] + box[3] <= other[1] || other[1] + other[3] <= box[1];
                assertThat(apart).as(panel.path("title") + " overlaps another panel").isTrue();
            }
            boxes.add(box);
        }
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo("${DS_PROMETHEUS}");
            assertThat(panel.path("targets")).as(title + " targets").isNotEmpty().allSatisfy(target -> {
                assertThat(target.path("datasource").path("uid").asText()).as(title).isEqualTo("${DS_PROMETHEUS}");
                assertThat(target.path("expr").asText()).as(title).isNotBlank();
            });
        }
        // Every per-queue figure of the dashboard follows the variable.
        for (MonitoringFiles.Expression e : MonitoringFiles.expressions()) {
            if (!e.where().startsWith(MonitoringFiles.DASHBOARD)) {
                continue;
            }
            for (MonitoringFiles.Selector s : MonitoringFiles.use(e).selectors()) {
                if (s.metric().startsWith("loket_queue_")) {
                    assertThat(s.matchers()).as(e.where() + " filters " + s.metric() + " by $queue")
                            .contains(new MonitoringFiles.LabelMatcher("queue", "=~", "$queue"));
                }
            }
        }
    }

    @Test
    void shouldReadSelectorsAndGroupingsOfAnExpression() {
        var use = MonitoringFiles.use(new MonitoringFiles.Expression("x",
                "sum by (queue, rule) (rate(loket_queue_offers_total{queue=~\"$queue\", rule!=\"a,b\"}[$__rate_interval])) > 0.5"
                        + " and on (instance) sum(loket_agents{state=\"ready\"}) without (state) offset 5m", Set.of()));
        assertThat(use.selectors()).containsExactly(
                new MonitoringFiles.Selector("loket_queue_offers_total", List.of(new MonitoringFiles.LabelMatcher("queue", "=~", "$queue"),
                        new MonitoringFiles.LabelMatcher("rule", "!=", "a,b"))),
                new MonitoringFiles.Selector("loket_agents", List.of(new MonitoringFiles.LabelMatcher("state", "=", "ready"))));
        assertThat(use.groupings()).containsExactly(
                new MonitoringFiles.Grouping("by", List.of("queue", "rule"), List.of("loket_queue_offers_total")),
                new MonitoringFiles.Grouping("on", List.of("instance"), List.of("loket_queue_offers_total", "loket_agents")),
                new MonitoringFiles.Grouping("without", List.of("state"), List.of("loket_agents")));
    }
}
