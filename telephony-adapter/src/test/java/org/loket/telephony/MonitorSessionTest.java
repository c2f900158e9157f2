package org.loket.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.ConfigLoader;
import org.loket.config.Supervisor;
import org.loket.host.gateway.GatewayContext;

/**
 * Supervisors' monitoring codes without Asterisk: who may join whose call in which mode, the one
 * channel ChanSpy is given, and the monitoring log. {@link PhoneChannelIT} runs ChanSpy for real.
 */
class MonitorSessionTest {
    @TempDir
    Path dir;
    private final List<String> agi = new CopyOnWriteArrayList<>();
    private TelephonyGateway gateway;
    /** What Asterisk's CHANNELS() answers: the channels that exist. */
    private volatile String channels = "";

    @BeforeEach
    void prepare() throws Exception {
        gateway = new TelephonyGateway(TelephonySettings.from(Map.of("telephony.ami.secretFile", "unused",
                "telephony.monitoringLog", dir.resolve("audit/monitoring.csv").toString())));
        gateway.prepare(new GatewayContext(StandIns.recording(new CopyOnWriteArrayList<>()),
                ConfigLoader.load(Path.of("src/test/resources/phone-it")), Map.of()));
    }

    private void dial(String mode, String endpoint, String agentNumber) throws Exception {
        AgiRequest request = (AgiRequest) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AgiRequest.class},
                (p, m, args) -> switch (m.getName()) {
                    case "getScript" -> "monitor";
                    case "getArguments" -> new String[] {mode, endpoint, agentNumber};
                    default -> null;
                });
        AgiChannel channel = (AgiChannel) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AgiChannel.class},
                (p, m, args) -> {
                    agi.add(m.getName() + (args == null ? "" : java.util.Arrays.deepToString(args)));
                    if (m.getName().equals("getFullVariable")) {
                        return channels;
                    }
                    Class<?> r = m.getReturnType();
                    return r == char.class ? (char) 0 : r == int.class ? 0 : r == boolean.class ? false : null;
                });
        gateway.service(request, channel);
    }

    private List<String> log() throws Exception {
        return Files.readAllLines(dir.resolve("audit/monitoring.csv"));
    }

    @Test
    void shouldSpyOnTheAgentsOwnCallInTheSupervisorsModeAndLogStartAndEnd() throws Exception {
        channels = "PJSIP/agent-10-0000000b PJSIP/citizen-00000009 PJSIP/agent-1-0000000a";
        dial("listen", "lead-1", "101");
        dial("whisper", "lead-1", "101");
        dial("barge", "lead-1", "101");
        assertThat(agi).filteredOn(c -> c.startsWith("getFullVariable"))
                .allMatch(c -> c.equals("getFullVariable[${CHANNELS(^PJSIP/agent-1-)}]"));
        assertThat(agi).filteredOn(c -> c.startsWith("exec")).containsExactly(
                "exec[ChanSpy, [PJSIP/agent-1-0000000a,qbES]]",
                "exec[ChanSpy, [PJSIP/agent-1-0000000a,qbESw]]",
                "exec[ChanSpy, [PJSIP/agent-1-0000000a,qbESB]]");
        List<String> log = log();
        assertThat(log.get(0)).isEqualTo(MonitoringLog.HEADER);
        assertThat(log.subList(1, log.size())).hasSize(6).satisfies(lines -> {
            assertThat(lines.get(0)).matches("20[0-9-]+T[0-9:.]+Z,lead-1,agent-1,listen,started,,");
            assertThat(lines.get(1)).matches("20[^,]+,lead-1,agent-1,listen,ended,,[0-9]+\\.[0-9]");
            assertThat(lines.get(5)).contains(",lead-1,agent-1,barge,ended,,");
        });
        assertThat(Files.getPosixFilePermissions(dir.resolve("audit/monitoring.csv")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(gateway.calls().counters.monitorSessions.get()).isEqualTo(3);
    }

    @Test
    void shouldRefuseWhatTheConfigurationDoesNotAllowAndLogWhy() throws Exception {
        channels = "PJSIP/agent-1-0000000a PJSIP/agent-2-0000000c PJSIP/agent-3-0000000d";
        dial("whisper", "coach-1", "101"); // coach-1 may only listen
        dial("listen", "coach-1", "103");  // agent-3 is not among coach-1's agents
        dial("listen", "lead-1", "102");   // nor agent-2 among lead-1's
        dial("listen", "lead-1", "5");     // numbers are extensions here: chat-1's roster place is none
        dial("listen", "lead-1", "99");    // no such agent
        dial("listen", "agent-2", "101");  // an agent's phone is no supervisor's
        channels = "PJSIP/agent-10-0000000b";
        dial("listen", "lead-1", "101");   // agent-1 is not in a call (agent-10's channel is not theirs)
        assertThat(agi).filteredOn(c -> c.startsWith("exec")).isEmpty();
        assertThat(agi).filteredOn(c -> c.startsWith("streamFile")).hasSize(7).allMatch(c -> c.endsWith("/nl/agent-refused]"));
        assertThat(log().subList(1, 8)).extracting(line -> line.substring(line.indexOf(',') + 1)).containsExactly(
                "coach-1,agent-1,whisper,refused,not-allowed,",
                "coach-1,agent-3,listen,refused,not-allowed,",
                "lead-1,agent-2,listen,refused,not-allowed,",
                "lead-1,#5,listen,refused,no-such-agent,",
                "lead-1,#99,listen,refused,no-such-agent,",
                "agent-2,agent-1,listen,refused,not-a-supervisor,",
                "lead-1,agent-1,listen,refused,not-on-a-call,");
        assertThat(gateway.calls().counters.monitorRefused.get()).isEqualTo(7);
        assertThat(gateway.calls().counters.monitorSessions.get()).isZero();
    }

    @Test
    void shouldPickOnlyTheAgentsExactChannel() {
        assertThat(MonitorSession.firstChannelOf("agent-1", "PJSIP/agent-10-0000000b PJSIP/agent-1-0000000a"))
                .isEqualTo("PJSIP/agent-1-0000000a");
        assertThat(MonitorSession.firstChannelOf("agent-1", "PJSIP/agent-1-x-0000000a")).isNull();
        assertThat(MonitorSession.firstChannelOf("agent-1", "")).isNull();
        assertThat(MonitorSession.options(Supervisor.Mode.LISTEN)).doesNotContain("d").as("no switching modes by digits");
    }
}
