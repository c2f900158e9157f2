package org.loket.telephony.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;

class AsteriskConfigWriterTest {
    @TempDir
    Path dir;

    private static AsteriskConfigWriter.Options options(AsteriskConfigWriter.AgentContacts contacts) {
        return options(contacts, false);
    }

    private static AsteriskConfigWriter.Options options(AsteriskConfigWriter.AgentContacts contacts, boolean allAmiEvents) {
        return options(contacts, allAmiEvents, false);
    }

    private static AsteriskConfigWriter.Options options(AsteriskConfigWriter.AgentContacts contacts, boolean allAmiEvents,
                                                        boolean comparisonQueue) {
        return new AsteriskConfigWriter.Options("127.0.0.1:5060", "127.0.0.1:5038", "loket", "127.0.0.1:4573", contacts,
                "sip:127.0.0.1:5090", "/loket/sounds", "/loket", "/usr/lib/x86_64-linux-gnu/asterisk/modules", 60, "10000-10999",
                allAmiEvents, comparisonQueue);
    }

    /**
     * Callers, anonymous ones too, reach the entry numbers and nothing else of Loket's: not an
     * entry by its name (a chat or e-mail entry's flow as a call), not Asterisk's own queue of the
     * agents (calls Loket never sees), which only the load script's comparison asks for.
     */
    @Test
    void shouldLetCallersReachOnlyTheEntryNumbers() throws Exception {
        LoadedConfig loaded = ConfigLoader.loadDefault();
        AsteriskConfigWriter.write(loaded, options(new AsteriskConfigWriter.AgentContacts.Static("127.0.0.1", 5101), false),
                dir.resolve("secret"), dir.resolve("etc"));
        String extensions = Files.readString(dir.resolve("etc/extensions.conf"));
        String callers = extensions.substring(extensions.indexOf("[loket-callers]"), extensions.indexOf("[loket-route]"));
        java.util.Set<String> reached = new java.util.TreeSet<>();
        callers.lines().filter(l -> l.startsWith("exten => ")).forEach(l -> reached.add(l.substring(9, l.indexOf(','))));
        java.util.Set<String> expected = new java.util.TreeSet<>(loaded.entryByNumber().keySet());
        expected.add("_X.");
        assertThat(reached).isEqualTo(expected);
        assertThat(callers).doesNotContain("Queue(");

        AsteriskConfigWriter.write(loaded, options(new AsteriskConfigWriter.AgentContacts.Static("127.0.0.1", 5101), false, true),
                dir.resolve("secret"), dir.resolve("etc2"));
        assertThat(Files.readString(dir.resolve("etc2/extensions.conf")))
                .contains("exten => app-queue,1,Answer()\n same => n,Queue(loket-fallback,,,,60)");
    }

    @Test
    void shouldWriteLoopbackPbxWithEntryNumbersAgentsFallbackAndPrompts() throws Exception {
        LoadedConfig loaded = ConfigLoader.loadDefault();
        Path secret = dir.resolve("secret");
        AsteriskConfigWriter.write(loaded, options(new AsteriskConfigWriter.AgentContacts.Static("127.0.0.1", 5101)), secret,
                dir.resolve("etc"));
        String extensions = Files.readString(dir.resolve("etc/extensions.conf"));
        assertThat(extensions).contains("exten => 0881234567,1,Set(LOKET_ENTRY=phone)")
                .contains("AGI(agi://127.0.0.1:4573/route,${LOKET_ENTRY})")
                .contains("GotoIf($[\"${LOKET_DONE}\" = \"1\" | \"${DIALSTATUS}\" = \"ANSWER\"]?done)")
                .contains("Queue(loket-fallback,,,,60)")
                .as("the service announcement and the fallback's closing message in every language, the first one first")
                .contains("?Playback(/loket/sounds/nl/${LOKET_OUTAGE}&/loket/sounds/en/${LOKET_OUTAGE}))")
                .contains("Playback(/loket/sounds/nl/fallback-closed&/loket/sounds/en/fallback-closed)")
                .contains("exten => *55,1,Answer()\n same => n,AGI(agi://127.0.0.1:4573/presence,ready,${CHANNEL(endpoint)})")
                .contains("exten => *56,1,Answer()\n same => n,AGI(agi://127.0.0.1:4573/presence,pause,${CHANNEL(endpoint)})");
        for (String secretFile : java.util.List.of("etc/pjsip.conf", "etc/manager.conf")) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(secretFile))))
                    .as(secretFile + " holds secrets: the owner's alone").isEqualTo("rw-------");
        }
        String pjsip = Files.readString(dir.resolve("etc/pjsip.conf"));
        assertThat(pjsip).contains("bind=127.0.0.1:5060").contains("contact=sip:generalist-001@127.0.0.1:5101")
                .doesNotContain("[chat-desk-001]").as("agents without voice capacity get no phone");
        assertThat(Files.readString(dir.resolve("etc/extensions.conf"))).as("presence codes, *56N with a pause reason, *57N with a wrap-up code")
                .contains("exten => *55,1,Answer()").contains("exten => *56,1,Answer()")
                .contains("exten => _*56X,1,Answer()\n same => n,AGI(agi://127.0.0.1:4573/presence,pause,${CHANNEL(endpoint)},${EXTEN:3})")
                .contains("exten => *57,1,Answer()\n same => n,AGI(agi://127.0.0.1:4573/presence,wrapup,${CHANNEL(endpoint)})")
                .contains("exten => _*57X,1,Answer()\n same => n,AGI(agi://127.0.0.1:4573/presence,wrapup,${CHANNEL(endpoint)},${EXTEN:3})");
        String manager = Files.readString(dir.resolve("etc/manager.conf"));
        String generated = Files.readString(secret).trim();
        assertThat(generated).hasSizeGreaterThanOrEqualTo(24);
        assertThat(manager).contains("bindaddr=127.0.0.1").contains("secret=" + generated)
                .contains("permit=127.0.0.1/255.255.255.255").contains("eventfilter=Event: ContactStatus").doesNotContain("Event: VarSet")
                .doesNotContain("Event: DeviceStateChange").as("presence from phones' contacts, not from device states");
        // The per-call events Loket does not read are off in Asterisk as a whole; the ones it reads stay on.
        String disabled = manager.lines().filter(l -> l.startsWith("disabledevents=")).findFirst().orElseThrow();
        assertThat(disabled.substring("disabledevents=".length()).split(",")).contains("VarSet", "Newexten", "Newchannel", "Hangup")
                .contains("DeviceStateChange")
                .doesNotContain("ContactStatus", "DialEnd", "FullyBooted", "Shutdown", "EndpointList");
        assertThat(Files.readString(dir.resolve("etc/queues.conf"))).contains("member => PJSIP/security-008");
        assertThat(Files.readString(dir.resolve("etc/loket-prompts.tsv"))).contains("nl\twelcome\tWelkom bij de helpdesk")
                .contains("en\tnumber-42\t42")
                // the business hours' closed prompts are spoken like any other (asterisk.sh turns them into audio)
                .contains("nl\tclosed-hours\tU belt buiten onze openingstijden").contains("en\tclosed-holiday\tToday is a public holiday")
                .contains("nl\tclosed-tax-office\t");

        AsteriskConfigWriter.write(loaded, options(new AsteriskConfigWriter.AgentContacts.Static("127.0.0.1", 5101, false,
                Map.of("generalist-001", "soft-secret-1"))), secret, dir.resolve("again"));
        assertThat(Files.readString(dir.resolve("again/pjsip.conf"))).as("a softphone among desk phones registers")
                .doesNotContain("contact=sip:generalist-001@").contains("[generalist-001-auth]\ntype=auth\nauth_type=userpass\n"
                        + "username=generalist-001\npassword=soft-secret-1").contains("qualify_frequency=30")
                .contains("@127.0.0.1:5102\n").as("the others keep their static contacts");
        assertThat(Files.readString(dir.resolve("again/manager.conf"))).as("an existing secret is kept").contains("secret=" + generated);

        AsteriskConfigWriter.write(loaded, options(new AsteriskConfigWriter.AgentContacts.Static("127.0.0.1", 5101), true), secret,
                dir.resolve("all-events"));
        assertThat(Files.readString(dir.resolve("all-events/manager.conf"))).as("--all-ami-events").doesNotContain("disabledevents");
    }

    @Test
    void shouldGiveSupervisorsAuthenticatedPhonesWithMonitoringCodesAndLeaveOutThoseWithoutPassword() throws Exception {
        LoadedConfig loaded = ConfigLoader.loadDefault();
        var contacts = new AsteriskConfigWriter.AgentContacts.Static("127.0.0.1", 5101, false,
                Map.of("teamlead-phone", "lead-secret-1", "quality-coach", "coach-secret-2"));
        AsteriskConfigWriter.write(loaded, options(contacts), dir.resolve("secret"), dir.resolve("etc"));
        String pjsip = Files.readString(dir.resolve("etc/pjsip.conf"));
        assertThat(pjsip).contains("[teamlead-phone](endpoint-defaults)\ncontext=loket-supervisors\naors=teamlead-phone\n"
                        + "auth=teamlead-phone-auth")
                .contains("[teamlead-phone-auth]\ntype=auth\nauth_type=userpass\nusername=teamlead-phone\npassword=lead-secret-1")
                .contains("[quality-coach](endpoint-defaults)\ncontext=loket-supervisors")
                .doesNotContain("[teamlead-security]").as("no password: no endpoint")
                .contains("; supervisor teamlead-security: no password")
                .contains("; agent number 1001 (supervisors: *581001)\n[generalist-001]")
                .contains("; agent number 6014 (supervisors: *586014)\n[security-014]");
        assertThat(AsteriskConfigWriter.supervisorsWithoutPassword(loaded, contacts)).containsExactly("teamlead-security");
        String extensions = Files.readString(dir.resolve("etc/extensions.conf"));
        String supervisors = extensions.substring(extensions.indexOf("[loket-supervisors]"));
        assertThat(supervisors)
                .contains("exten => _*58X,1,Answer()\n same => n,AGI(agi://127.0.0.1:4573/monitor,listen,${CHANNEL(endpoint)},${EXTEN:3})")
                .contains("exten => _*58X.,1,Answer()").contains("exten => _*59X.,1,Answer()\n same => n,AGI(agi://127.0.0.1:4573/monitor,whisper,")
                .contains("exten => _*60X,1,Answer()\n same => n,AGI(agi://127.0.0.1:4573/monitor,barge,");
        assertThat(extensions.substring(extensions.indexOf("[loket-agents]"), extensions.indexOf("[loket-supervisors]")))
                .as("agents' phones cannot monitor").doesNotContain("/monitor");
    }

    /**
     * A desk phone with a static contact does not authenticate, so its AOR must not take
     * registrations: with max_contacts above 0 anyone could REGISTER as that agent (the endpoint
     * has no auth) and ring along on, and answer, the citizens' calls offered to it. Asterisk
     * refuses REGISTER with 403 to an AOR without max_contacts. A phone that authenticates
     * registers one contact.
     */
    @Test
    void shouldLetNobodyRegisterForADeskPhoneThatDoesNotAuthenticate() throws Exception {
        LoadedConfig loaded = ConfigLoader.loadDefault();
        AsteriskConfigWriter.write(loaded, options(new AsteriskConfigWriter.AgentContacts.Static("127.0.0.1", 5101, false,
                Map.of("generalist-002", "soft-secret-1"))), dir.resolve("secret"), dir.resolve("etc"));
        String pjsip = Files.readString(dir.resolve("etc/pjsip.conf"));
        String desk = section(pjsip, "[generalist-001]\ntype=aor\n");
        assertThat(desk).contains("contact=sip:generalist-001@127.0.0.1:5101").doesNotContain("max_contacts");
        assertThat(section(pjsip, "[generalist-002]\ntype=aor\n")).as("the softphone authenticates and registers")
                .contains("max_contacts=1");
        assertThat(section(pjsip, "[generalist-001](endpoint-defaults)\n")).doesNotContain("auth=");
    }

    /**
     * Modules an attacker could use and Loket does not: SIP MESSAGE (an anonymous out-of-call
     * MESSAGE to an entry number runs the callers' context, Loket's route, on a message channel: a
     * phantom caller), and the shell (System(), SHELL()); no dangerous functions from the AMI; the
     * security events (failed authentications) in a log of their own.
     */
    @Test
    void shouldLeaveOutSipMessagingAndTheShellAndLogSecurityEvents() throws Exception {
        AsteriskConfigWriter.write(ConfigLoader.loadDefault(), options(new AsteriskConfigWriter.AgentContacts.Static("127.0.0.1", 5101)),
                dir.resolve("secret"), dir.resolve("etc"));
        assertThat(Files.readString(dir.resolve("etc/modules.conf")).lines().toList())
                .contains("noload => res_pjsip_messaging.so", "noload => app_system.so", "noload => func_shell.so");
        assertThat(Files.readString(dir.resolve("etc/asterisk.conf")).lines().toList()).as("no dangerous functions from the AMI")
                .contains("live_dangerously = no");
        assertThat(Files.readString(dir.resolve("etc/logger.conf")).lines().toList())
                .as("failed authentications and refused requests in a log of their own").contains("security => security");
    }

    /**
     * A phone's password guards the citizens' calls (a supervisor's, listening in): a short one is
     * refused, and so is one with a ';', where Asterisk's pjsip.conf and manager.conf start a
     * comment (the password Asterisk would check is the part before it).
     */
    @Test
    void shouldRefuseShortPasswordsAndPasswordsAsteriskWouldCut() throws Exception {
        LoadedConfig loaded = ConfigLoader.loadDefault();
        for (String[] bad : new String[][] {{"short-1", "shorter than 12"}, {"abc;defghijklmnop", "';'"}, {"abcdefghijkl\tmn", "';'"}}) {
            assertThatThrownBy(() -> AsteriskConfigWriter.write(loaded, options(new AsteriskConfigWriter.AgentContacts.Static("127.0.0.1",
                    5101, false, Map.of("teamlead-phone", bad[0]))), dir.resolve("secret"), dir.resolve("etc")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the SIP password of 'teamlead-phone'")
                    .hasMessageContaining(bad[1]);
        }
        Files.writeString(dir.resolve("ami"), "abcdef;ghijklmnop\n");
        Files.setPosixFilePermissions(dir.resolve("ami"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> AsteriskConfigWriter.write(loaded, options(new AsteriskConfigWriter.AgentContacts.Static("127.0.0.1",
                5101)), dir.resolve("ami"), dir.resolve("etc2"))).hasMessageContaining("the AMI secret in").hasMessageContaining("';'");
        AsteriskConfigWriter.write(loaded, options(new AsteriskConfigWriter.AgentContacts.Static("127.0.0.1", 5101, false,
                Map.of("teamlead-phone", "twelve-chars"))), dir.resolve("secret"), dir.resolve("etc3"));
        assertThat(Files.readString(dir.resolve("etc3/pjsip.conf"))).contains("password=twelve-chars\n");
    }

    /**
     * The endpoints that do not authenticate and are not an agent's phone, the anonymous callers and
     * the callback trunk (PJSIP identifies it by the From user alone), reach the callers' context
     * only, and cannot REFER the agent they talk to anywhere.
     */
    @Test
    void shouldGiveTheCallersAndTheCallbackTrunkTheCallersContextAndNoTransfer() throws Exception {
        AsteriskConfigWriter.write(ConfigLoader.loadDefault(), options(new AsteriskConfigWriter.AgentContacts.Static("127.0.0.1", 5101)),
                dir.resolve("secret"), dir.resolve("etc"));
        String pjsip = Files.readString(dir.resolve("etc/pjsip.conf"));
        for (String endpoint : java.util.List.of("[anonymous](endpoint-defaults)\n", "[loket-callback](endpoint-defaults)\n")) {
            assertThat(section(pjsip, endpoint).lines().toList()).as(endpoint).contains("context=loket-callers", "allow_transfer=no")
                    .noneMatch(l -> l.startsWith("auth="));
        }
    }

    /**
     * Loket's AMI user has the classes of the actions it sends (DBPut, DBDel, PJSIPShowEndpoints,
     * CoreShowChannels, Hangup: system; GetVar, Redirect: call; Originate: originate) and of the
     * events it reads (ContactStatus, FullyBooted, Shutdown: system; DialEnd: call), nothing else:
     * no queue actions (agent), no UserEvent (user), no config, no command.
     */
    @Test
    void shouldGiveLoketsAmiUserOnlyTheClassesItUses() throws Exception {
        AsteriskConfigWriter.write(ConfigLoader.loadDefault(), options(new AsteriskConfigWriter.AgentContacts.Static("127.0.0.1", 5101)),
                dir.resolve("secret"), dir.resolve("etc"));
        var lines = Files.readString(dir.resolve("etc/manager.conf")).lines().toList();
        assertThat(lines.stream().filter(l -> l.startsWith("read=") || l.startsWith("write=")).toList())
                .containsExactly("read=system,call", "write=system,call,originate");
    }

    /** The lines of {@code text} from {@code start} to the next empty line. */
    private static String section(String text, String start) {
        int from = text.indexOf(start);
        assertThat(from).as(start).isNotNegative();
        int end = text.indexOf("\n\n", from);
        return text.substring(from, end < 0 ? text.length() : end);
    }

    @Test
    void shouldRefuseRegisteringAgentsWithoutPassword() {
        LoadedConfig loaded;
        try {
            loaded = ConfigLoader.loadDefault();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(() -> AsteriskConfigWriter.write(loaded,
                options(new AsteriskConfigWriter.AgentContacts.Register(Map.of("generalist-001", "s3cret-pass-1"))),
                dir.resolve("secret"), dir.resolve("etc")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("agent 'generalist-002' has no password");
    }
}
