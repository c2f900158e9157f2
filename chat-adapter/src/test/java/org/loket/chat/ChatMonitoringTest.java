package org.loket.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.loket.host.metrics.MonitoringFiles;

/** The chat metrics ops/monitoring's alerts and dashboard use are the ones a started chat gateway registers. */
class ChatMonitoringTest {
    private static final Predicate<String> CHAT = name -> name.startsWith("loket_chat_");

    @Test
    void shouldFindEveryChatMetricTheFilesUseInTheEnginesScrape() throws Exception {
        assertThat(MonitoringFiles.metricsUsed()).as("the files use the chat family")
                .contains("loket_chat_malformed_frames_total", "loket_chat_auth_failures_total", "loket_chat_ring_full_total",
                        "loket_chat_webhook_failures_total", "loket_chat_webhook_outbox_failures_total");
        try (TestEngine t = new TestEngine(Map.of())) {
            String scrape = MonitoringFiles.scrape(t.engine.metrics());
            assertThat(MonitoringFiles.problems(scrape, CHAT)).as("against\n" + scrape).isEmpty();

            String without = scrape.lines().filter(l -> !l.startsWith("loket_chat_webhook_failures_total"))
                    .reduce("", (a, b) -> a + b + "\n");
            assertThat(MonitoringFiles.problems(without, CHAT))
                    .anySatisfy(p -> assertThat(p).contains("alert LoketChatWebhookFailures: loket_chat_webhook_failures_total is not in the scrape"));
        }
    }
}
