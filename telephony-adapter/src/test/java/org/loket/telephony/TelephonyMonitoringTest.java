package org.loket.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.ConfigLoader;
import org.loket.host.gateway.GatewayContext;
import org.loket.host.metrics.MonitoringFiles;

/**
 * The telephony metrics ops/monitoring's alerts and dashboard use are the ones a started telephony
 * gateway registers (FastAGI on a free loopback port; no Asterisk behind the AMI port, which it keeps
 * trying until closed).
 */
class TelephonyMonitoringTest {
    private static final Predicate<String> TELEPHONY = name -> name.startsWith("loket_telephony_");

    @TempDir
    Path folder;

    @Test
    void shouldFindEveryTelephonyMetricTheFilesUseInTheGatewaysRegistry() throws Exception {
        assertThat(MonitoringFiles.metricsUsed()).as("the files use the telephony family")
                .contains("loket_telephony_fallbacks_total", "loket_telephony_engine_timeouts_total", "loket_telephony_agi_errors_total",
                        "loket_telephony_ami_disconnects_total", "loket_telephony_ami_connected", "loket_telephony_monitor_refused_total",
                        "loket_telephony_calls_lost_at_restart_total");
        int agiPort;
        int amiPort;
        try (ServerSocket agi = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             ServerSocket ami = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            agiPort = agi.getLocalPort();
            amiPort = ami.getLocalPort(); // closed again before the gateway tries it
        }
        Path secret = org.loket.host.security.OwnerOnly.write(folder.resolve("ami-secret"), "unused\n");
        TelephonyGateway gateway = new TelephonyGateway(TelephonySettings.from(Map.of("telephony.ami.secretFile", secret.toString(),
                "telephony.agi.port", String.valueOf(agiPort), "telephony.ami.port", String.valueOf(amiPort),
                "telephony.callbackFolder", folder.resolve("callbacks").toString())));
        PrometheusRegistry registry = new PrometheusRegistry();
        try {
            gateway.start(new GatewayContext(StandIns.recording(new ArrayList<>()),
                    ConfigLoader.load(Path.of("src/test/resources/phone-it")), Map.of(), null, registry));
            String scrape = MonitoringFiles.scrape(registry);
            assertThat(MonitoringFiles.problems(scrape, TELEPHONY)).as("against\n" + scrape).isEmpty();
            assertThat(scrape).as("nothing listens on the AMI port").contains("loket_telephony_ami_connected 0.0");

            String without = scrape.lines().filter(l -> !l.startsWith("loket_telephony_agi_errors_total"))
                    .reduce("", (a, b) -> a + b + "\n");
            assertThat(MonitoringFiles.problems(without, TELEPHONY))
                    .anySatisfy(p -> assertThat(p).contains("alert LoketTelephonyAgiErrors: loket_telephony_agi_errors_total is not in the scrape"));
        } finally {
            gateway.close();
        }
    }
}
