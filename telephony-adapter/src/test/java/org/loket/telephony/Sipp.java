package org.loket.telephony;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * sipp processes for the system tests: callers (UAC) whose scenario is built from steps (press a
 * digit as RFC 2833 audio from sip-tester's pcap files, wait, hang up, or wait for Asterisk to hang
 * up), and agents' phones (UAS) that answer, ring out or reject. Every socket on loopback.
 */
final class Sipp {
    static final String PCAP_DIR = "/usr/share/sip-tester";

    final Process process;
    final Path log;
    final String name;

    private Sipp(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** A caller's steps. */
    static final class Caller {
        private final StringBuilder steps = new StringBuilder();

        Caller pause(long ms) {
            steps.append("  <pause milliseconds=\"").append(ms).append("\"/>\n");
            return this;
        }

        Caller digit(char d) {
            String name = d == '*' ? "star" : d == '#' ? "pound" : String.valueOf(d);
            steps.append("  <nop><action><exec play_pcap_audio=\"").append(PCAP_DIR).append("/dtmf_2833_").append(name)
                    .append(".pcap\"/></action></nop>\n  <pause milliseconds=\"400\"/>\n");
            return this;
        }

        private int infoCseq = 10;

        /** A digit as SIP INFO (application/dtmf-relay). */
        Caller infoDigit(char d) {
            steps.append("""
                      <send retrans="500"><![CDATA[
                    INFO [next_url] SIP/2.0
                    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                    From: <sip:%%NUMBER%%@[local_ip]:[local_port]>;tag=[call_number]
                    To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
                    Call-ID: [call_id]
                    CSeq: %d INFO
                    Max-Forwards: 70
                    Content-Type: application/dtmf-relay
                    Content-Length: [len]

                    Signal=%c
                    Duration=160
                    ]]></send>
                      <recv response="200" timeout="5000"/>
                      <pause milliseconds="300"/>
                    """.formatted(infoCseq++, d));
            return this;
        }

        /** The caller hangs up. */
        Caller hangUp() {
            steps.append("""
                      <send retrans="500"><![CDATA[
                    BYE [next_url] SIP/2.0
                    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                    From: <sip:%NUMBER%@[local_ip]:[local_port]>;tag=[call_number]
                    To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
                    Call-ID: [call_id]
                    CSeq: 99 BYE
                    Max-Forwards: 70
                    Content-Length: 0

                    ]]></send>
                      <recv response="200" timeout="5000"/>
                    """);
            return this;
        }

        /** Asterisk hangs up within the time given (the call ended on the server's side). */
        Caller awaitHangUp(long timeoutMs) {
            steps.append("  <recv request=\"BYE\" timeout=\"").append(timeoutMs).append("\"/>\n").append(OK_TO_LAST);
            return this;
        }

        /** The phone authenticates (digest) when Asterisk challenges its INVITE: an endpoint with a password. */
        Caller authenticate(String user, String password) {
            this.authentication = "[authentication username=" + user + " password=" + password + "]\n";
            return this;
        }

        private String authentication;

        String scenario(String number) {
            String challenge = authentication == null ? "" : invite(1, "") + """
                      <recv response="100" optional="true"/>
                      <recv response="401" auth="true"/>
                      <send><![CDATA[
                    ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
                    [last_Via:]
                    [last_From:]
                    [last_To:]
                    [last_Call-ID:]
                    CSeq: 1 ACK
                    Max-Forwards: 70
                    Content-Length: 0

                    ]]></send>
                    """;
            int cseq = authentication == null ? 1 : 2;
            return ("""
                    <?xml version="1.0" encoding="ISO-8859-1" ?>
                    <scenario name="loket caller">
                    """ + challenge + invite(cseq, authentication == null ? "" : authentication) + """
                      <recv response="100" optional="true"/>
                      <recv response="180" optional="true"/>
                      <recv response="183" optional="true"/>
                      <recv response="200" rtd="true" rrs="true"/>
                      <send><![CDATA[
                    ACK [next_url] SIP/2.0
                    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                    From: <sip:%NUMBER%@[local_ip]:[local_port]>;tag=[call_number]
                    To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
                    Call-ID: [call_id]
                    CSeq: %CSEQ% ACK
                    Max-Forwards: 70
                    Content-Length: 0

                    ]]></send>
                    """.replace("%CSEQ%", Integer.toString(cseq)) + steps + "</scenario>\n").replace("%NUMBER%", number);
        }

        private static String invite(int cseq, String authentication) {
            return """
                      <send retrans="500"><![CDATA[
                    INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
                    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                    From: <sip:%NUMBER%@[local_ip]:[local_port]>;tag=[call_number]
                    To: <sip:[service]@[remote_ip]:[remote_port]>
                    Call-ID: [call_id]
                    CSeq: %CSEQ% INVITE
                    Contact: <sip:%NUMBER%@[local_ip]:[local_port]>
                    %AUTH%Max-Forwards: 70
                    Content-Type: application/sdp
                    Content-Length: [len]

                    v=0
                    o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
                    s=-
                    c=IN IP[media_ip_type] [media_ip]
                    t=0 0
                    m=audio [media_port] RTP/AVP 0 101
                    a=rtpmap:0 PCMU/8000
                    a=rtpmap:101 telephone-event/8000
                    a=fmtp:101 0-15

                    ]]></send>
                    """.replace("%CSEQ%", Integer.toString(cseq)).replace("%AUTH%", authentication);
        }
    }

    private static final String OK_TO_LAST = """
              <send><![CDATA[
            SIP/2.0 200 OK
            [last_Via:]
            [last_From:]
            [last_To:]
            [last_Call-ID:]
            [last_CSeq:]
            Content-Length: 0

            ]]></send>
            """;

    /** What an agent's phone does with each call. */
    /**
     * How a phone takes a call: answers after 200 ms, answers and hangs up after {@code holdMs},
     * answers after ringing {@code holdMs} ({@code ANSWER_LATE}), never answers, or rejects (486).
     */
    enum Phone { ANSWER, ANSWER_AND_HANG_UP, ANSWER_LATE, RING_OUT, REJECT }

    static String phoneScenario(Phone phone, long holdMs) {
        String invite = """
                  <recv request="INVITE" rrs="true">
                    <action>
                      <ereg regexp=".*" search_in="hdr" header="%s" assign_to="remembered"/>
                    </action>
                  </recv>
                  <send><![CDATA[
                SIP/2.0 180 Ringing
                [last_Via:]
                [last_From:]
                [last_To:];tag=[pid]SIPpTag01[call_number]
                [last_Call-ID:]
                [last_CSeq:]
                Contact: <sip:[local_ip]:[local_port]>
                Content-Length: 0

                ]]></send>
                """;
        // sipp refuses a variable used once: remember only the header this phone needs later.
        invite = invite.formatted(phone == Phone.RING_OUT ? "CSeq:" : "From:");
        if (phone == Phone.ANSWER || phone == Phone.ANSWER_LATE || phone == Phone.REJECT) {
            invite = invite.replaceFirst("(?s)<recv request=\"INVITE\" rrs=\"true\">.*?</recv>", "<recv request=\"INVITE\" rrs=\"true\"/>");
        }
        String body = switch (phone) {
            case ANSWER, ANSWER_AND_HANG_UP, ANSWER_LATE -> """
                      <pause milliseconds="%RING%"/>
                      <send retrans="500"><![CDATA[
                    SIP/2.0 200 OK
                    [last_Via:]
                    [last_From:]
                    [last_To:];tag=[pid]SIPpTag01[call_number]
                    [last_Call-ID:]
                    [last_CSeq:]
                    Contact: <sip:[local_ip]:[local_port]>
                    Content-Type: application/sdp
                    Content-Length: [len]

                    v=0
                    o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
                    s=-
                    c=IN IP[media_ip_type] [media_ip]
                    t=0 0
                    m=audio [media_port] RTP/AVP 0
                    a=rtpmap:0 PCMU/8000

                    ]]></send>
                      <recv request="ACK" optional="false"/>
                    """ + (phone != Phone.ANSWER_AND_HANG_UP ? "  <recv request=\"BYE\" timeout=\"120000\"/>\n" + OK_TO_LAST : """
                      <pause milliseconds="%d"/>
                      <send retrans="500"><![CDATA[
                    BYE [next_url] SIP/2.0
                    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                    From: <sip:phone@[local_ip]:[local_port]>;tag=[pid]SIPpTag01[call_number]
                    To:[$remembered]
                    [last_Call-ID:]
                    CSeq: 7 BYE
                    Max-Forwards: 70
                    Content-Length: 0

                    ]]></send>
                      <recv response="200" timeout="5000"/>
                    """.formatted(holdMs));
            case RING_OUT -> """
                      <recv request="CANCEL"/>
                    """ + OK_TO_LAST + """
                      <send><![CDATA[
                    SIP/2.0 487 Request Terminated
                    [last_Via:]
                    [last_From:]
                    [last_To:];tag=[pid]SIPpTag01[call_number]
                    [last_Call-ID:]
                    CSeq:[$remembered]
                    Content-Length: 0

                    ]]></send>
                      <recv request="ACK"/>
                    """;
            case REJECT -> """
                      <send><![CDATA[
                    SIP/2.0 486 Busy Here
                    [last_Via:]
                    [last_From:]
                    [last_To:];tag=[pid]SIPpTag01[call_number]
                    [last_Call-ID:]
                    [last_CSeq:]
                    Content-Length: 0

                    ]]></send>
                      <recv request="ACK"/>
                    """;
        };
        body = body.replace("%RING%", Long.toString(phone == Phone.ANSWER_LATE ? holdMs : 200));
        return "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"loket phone\">\n" + invite + body + "</scenario>\n";
    }

    /** An agent's phone (or a citizen's, for callbacks) on sipPort, answering calls until stopped. */
    static Sipp phone(Path dir, String name, Phone phone, long holdMs, int sipPort, int mediaPort, int controlPort) throws IOException {
        return phone(dir, name, phone, holdMs, sipPort, mediaPort, controlPort, List.of());
    }

    private static Sipp phone(Path dir, String name, Phone phone, long holdMs, int sipPort, int mediaPort, int controlPort,
                              List<String> extraArgs) throws IOException {
        Path scenario = dir.resolve(name + ".xml");
        Files.writeString(scenario, phoneScenario(phone, holdMs), StandardCharsets.ISO_8859_1);
        List<String> args = new ArrayList<>(List.of("-sf", scenario.toString(), "-p", Integer.toString(sipPort),
                "-mp", Integer.toString(mediaPort), "-cp", Integer.toString(controlPort)));
        args.addAll(extraArgs);
        return start(dir, name, args);
    }

    /**
     * A softphone's answering side: as {@link #phone}, and it answers the OPTIONS requests Asterisk
     * qualifies a registered contact with ({@code -aa}), or the contact would go unreachable.
     */
    static Sipp softphone(Path dir, String name, Phone phone, int sipPort, int mediaPort, int controlPort) throws IOException {
        return phone(dir, name, phone, 0, sipPort, mediaPort, controlPort, List.of("-aa"));
    }

    /**
     * A softphone's registration with Asterisk 127.0.0.1:5060 as {@code user} (digest auth), for
     * the contact {@code sip:user@127.0.0.1:contactPort}; it stays registered {@code registeredMs},
     * then unregisters (Expires: 0) and ends (exit code 0 when every step was answered as expected).
     */
    static Sipp registration(Path dir, String user, String password, int contactPort, long registeredMs, int sipPort,
                             int mediaPort, int controlPort) throws IOException {
        String name = user + "-registration";
        StringBuilder scenario = new StringBuilder("<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"register\">\n");
        int cseq = 1;
        for (int expires : new int[] {3600, 0}) {
            for (boolean withAuth : new boolean[] {false, true}) {
                scenario.append("""
                          <send retrans="500"><![CDATA[
                        REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
                        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                        From: <sip:%1$s@[remote_ip]>;tag=[pid]SIPpTag00[call_number]
                        To: <sip:%1$s@[remote_ip]>
                        Call-ID: [call_id]
                        CSeq: %2$d REGISTER
                        Contact: <sip:%1$s@[local_ip]:%3$d>
                        Expires: %4$d
                        %5$sMax-Forwards: 70
                        Content-Length: 0

                        ]]></send>
                        """.formatted(user, cseq++, contactPort, expires,
                        withAuth ? "[authentication username=" + user + " password=" + password + "]\n" : ""));
                scenario.append(withAuth ? "  <recv response=\"200\"/>\n" : "  <recv response=\"401\" auth=\"true\"/>\n");
            }
            if (expires > 0) {
                scenario.append("  <pause milliseconds=\"").append(registeredMs).append("\"/>\n");
            }
        }
        scenario.append("</scenario>\n");
        Path file = dir.resolve(name + ".xml");
        Files.writeString(file, scenario, StandardCharsets.ISO_8859_1);
        return start(dir, name, List.of("-sf", file.toString(), "-m", "1", "-l", "1", "-p", Integer.toString(sipPort),
                "-mp", Integer.toString(mediaPort), "-cp", Integer.toString(controlPort), "127.0.0.1:5060"));
    }

    /** One call to {@code service} at Asterisk 127.0.0.1:5060. */
    static Sipp call(Path dir, String name, String number, String service, Caller caller, int sipPort, int mediaPort,
                     int controlPort) throws IOException {
        Path scenario = dir.resolve(name + ".xml");
        Files.writeString(scenario, caller.scenario(number), StandardCharsets.ISO_8859_1);
        return start(dir, name, List.of("-sf", scenario.toString(), "-s", service, "-m", "1", "-l", "1",
                "-p", Integer.toString(sipPort), "-mp", Integer.toString(mediaPort), "-cp", Integer.toString(controlPort),
                "127.0.0.1:5060"));
    }

    private static Sipp start(Path dir, String name, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of("sipp", "-nostdin", "-i", "127.0.0.1",
                "-mi", "127.0.0.1", "-ci", "127.0.0.1", "-trace_err", "-trace_msg",
                "-message_file", dir.resolve(name + ".msg.log").toString(),
                "-error_file", dir.resolve(name + ".err.log").toString()));
        command.addAll(args);
        Path log = dir.resolve(name + ".out.log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return new Sipp(name, process, log);
    }

    /** @return sipp's exit code (0: every call succeeded), or -1 when it did not end in time */
    int await(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            return -1;
        }
        return process.exitValue();
    }

    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String diagnostics() {
        StringBuilder s = new StringBuilder("--- sipp ").append(name).append('\n');
        for (String suffix : List.of(".err.log", ".msg.log")) {
            Path file = log.resolveSibling(name + suffix);
            try {
                if (Files.exists(file)) {
                    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
                    s.append(suffix).append(":\n").append(text.length() > 6000 ? text.substring(text.length() - 6000) : text).append('\n');
                }
            } catch (IOException e) {
                s.append(suffix).append(": ").append(e).append('\n');
            }
        }
        return s.toString();
    }
}
