package org.loket.telephony.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.loket.config.LoadedConfig;
import org.loket.config.PhonePrompts;
import org.loket.config.Supervisor;
import org.loket.core.config.AgentSpec;
import org.loket.host.security.SecretFiles;
import org.loket.telephony.Directory;

/**
 * Writes an Asterisk 22 configuration from Loket's own: PJSIP transport, caller endpoint and one
 * endpoint per call-taking agent; the dialplan that hands each entry number to Loket's FastAGI
 * server and sends calls to a fallback queue when Loket does not finish them; AMI with Loket's
 * user; hold music; and {@code loket-prompts.tsv}, the prompt texts the provisioning script turns
 * into audio. Every address is a parameter; the defaults are loopback.
 */
public final class AsteriskConfigWriter {
    /**
     * When the dialplan hangs up after Loket's AGI session instead of taking the fallback route:
     * Loket marked the call done, or the last Dial was answered (a served caller; the session need
     * not send an AGI command to say so, one round trip less per call).
     */
    /** What an agent dials to become ready (e.g. after a ring-out paused them) and to pause. */
    public static final String READY_CODE = "*55";
    public static final String PAUSE_CODE = "*56";
    public static final String WRAP_UP_CODE = "*57";
    /** What a supervisor dials, followed by the agent number, to listen to, whisper to, or barge into an agent's call. */
    public static final String LISTEN_CODE = "*58";
    public static final String WHISPER_CODE = "*59";
    public static final String BARGE_CODE = "*60";

    /** The code a supervisor dials, followed by the agent number, to join an agent's call in {@code mode}. */
    public static String codeOf(Supervisor.Mode mode) {
        return switch (mode) {
            case LISTEN -> LISTEN_CODE;
            case WHISPER -> WHISPER_CODE;
            case BARGE -> BARGE_CODE;
        };
    }
    static final String DONE_CONDITION = "$[\"${LOKET_DONE}\" = \"1\" | \"${DIALSTATUS}\" = \"ANSWER\"]";
    /** How agents' phones are reached. */
    public sealed interface AgentContacts {
        /** The password of an endpoint that registers and authenticates, or null. */
        default String secretOf(String name) {
            return switch (this) {
                case Static st -> st.registering().get(name);
                case Register reg -> reg.secrets().get(name);
            };
        }

        /**
         * Static contacts {@code sip:NAME@host:(basePort + n)} for the n-th call-taking agent (desk
         * phones at fixed addresses, tests, sipp); with {@code shared} every agent at
         * {@code host:basePort} (one sipp answering for all, load tests). The agents named in
         * {@code registering} (name to password) register instead, as with {@link Register}:
         * softphones among desk phones.
         */
        record Static(String host, int basePort, boolean shared, Map<String, String> registering) implements AgentContacts {
            public Static(String host, int basePort) {
                this(host, basePort, false);
            }

            public Static(String host, int basePort, boolean shared) {
                this(host, basePort, shared, Map.of());
            }
        }

        /** Phones register with a user name and password; {@code secrets} maps agent names to passwords. */
        record Register(Map<String, String> secrets) implements AgentContacts {
        }
    }

    /**
     * @param sipBind           PJSIP UDP transport, host:port
     * @param amiBind           manager interface, host:port
     * @param amiUser           manager user Loket logs in as
     * @param agiAddress        Loket's FastAGI server, host:port
     * @param agentContacts     how agents' phones are reached
     * @param callbackContact   SIP URI of the trunk callbacks go out through, or {@code null}
     * @param soundsDir         Loket's prompts as Asterisk sees them (one folder per language)
     * @param instanceRoot      where asterisk.conf puts etc, run, log, spool and db
     * @param moduleDir         Asterisk's module folder
     * @param fallbackSeconds   how long a fallback caller waits in the plain queue before the closing message
     * @param rtpPorts          first and last RTP port, "10000-20000"
     * @param allAmiEvents      keep every AMI event Asterisk has; false switches off, for every manager
     *                          user, the per-call events Loket does not read ({@link #QUIET_EVENTS})
     */
    public record Options(String sipBind, String amiBind, String amiUser, String agiAddress, AgentContacts agentContacts,
                          String callbackContact, String soundsDir, String instanceRoot, String moduleDir,
                          int fallbackSeconds, String rtpPorts, boolean allAmiEvents, boolean comparisonQueue) {
    }

    /**
     * The AMI events a call makes that Loket does not read (about 90 a call on Loket's path, VarSet
     * alone 57): switched off in Asterisk as a whole ({@code disabledevents}), because Asterisk builds
     * and hands every event to every logged-in session before the session's filters drop it.
     * Measured: Loket's AMI session cost Asterisk ~0.95 ms per app_queue call with them, ~0.1 without,
     * and Loket's path 0.5 ms less (perf/RESULTS.md, section 4). Security events stay on.
     */
    public static final List<String> QUIET_EVENTS = List.of("AGIExecStart", "AGIExecEnd", "AgentCalled", "AgentComplete",
            "AgentConnect", "AgentRingNoAnswer", "BridgeCreate", "BridgeDestroy", "BridgeEnter", "BridgeLeave", "DialBegin",
            "DialState", "DTMFBegin", "DTMFEnd", "Hangup", "HangupRequest", "MusicOnHoldStart", "MusicOnHoldStop",
            "NewCallerid", "NewConnectedLine", "Newchannel", "Newexten", "Newstate", "QueueCallerAbandon", "QueueCallerJoin",
            "QueueCallerLeave", "QueueMemberStatus", "SoftHangupRequest", "TestEvent", "VarSet",
            // An agent's phone is reachable or not by its contacts (ContactStatus); its device state
            // changes twice in every call and said nothing new (one event and reader wake-up a call).
            "DeviceStateChange");

    private AsteriskConfigWriter() {
    }

    /**
     * Writes every file into {@code out}. The AMI secret is read from {@code amiSecretFile}, or
     * generated into it (mode 600) when the file does not exist.
     *
     * @return the files written
     */
    public static List<Path> write(LoadedConfig loaded, Options options, Path amiSecretFile, Path out) throws IOException {
        Files.createDirectories(out);
        String secret = secret(amiSecretFile);
        Map<String, String> files = new LinkedHashMap<>();
        files.put("asterisk.conf", asteriskConf(options));
        files.put("modules.conf", MODULES);
        // security: failed SIP and AMI authentications, unknown endpoints, ACL refusals (what fail2ban reads)
        files.put("logger.conf", "[general]\n\n[logfiles]\nconsole => notice,warning,error\nmessages => notice,warning,error\n"
                + "security => security\n");
        files.put("pjsip.conf", pjsip(loaded, options));
        files.put("extensions.conf", extensions(loaded, options));
        files.put("manager.conf", manager(options, secret));
        files.put("queues.conf", queues(loaded));
        files.put("musiconhold.conf", "[default]\nmode=files\ndirectory=moh\n");
        String[] rtp = options.rtpPorts().split("-");
        files.put("rtp.conf", "[general]\nrtpstart=" + rtp[0] + "\nrtpend=" + rtp[rtp.length - 1] + "\n");
        files.put("indications.conf", "[general]\ncountry=nl\n\n[nl]\ndescription = Netherlands\nringcadence = 1000,4000\n"
                + "dial = 425\nbusy = 425/500,0/500\nring = 425/1000,0/4000\ncongestion = 425/250,0/250\n");
        files.put("loket-prompts.tsv", prompts(loaded));
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = out.resolve(file.getKey());
            if (HOLD_SECRETS.contains(file.getKey())) {
                writeOwnerOnly(path, file.getValue());
            } else {
                Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
            }
            written.add(path);
        }
        return written;
    }

    /** The files that hold secrets: the AMI secret, the agents' and the callback endpoint's SIP passwords. */
    static final java.util.Set<String> HOLD_SECRETS = java.util.Set.of("manager.conf", "pjsip.conf");

    /**
     * Writes {@code text} readable by the owner only (made so before the secret goes in), as
     * {@code --ami-secret-file} itself; Asterisk must then run as that user (or be given the files).
     */
    private static void writeOwnerOnly(Path path, String text) throws IOException {
        try {
            if (Files.exists(path)) {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            } else {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: left as created
        }
        Files.writeString(path, text, StandardCharsets.UTF_8);
    }

    /** The shortest password or secret written: a phone's password guards the citizens' calls (a supervisor's, ChanSpy). */
    static final int MIN_SECRET_LENGTH = 12;

    /**
     * Refuses a password Asterisk would not read back whole or that is easily guessed: shorter than
     * {@link #MIN_SECRET_LENGTH}, or with a ';' (Asterisk's config files start a comment there, so
     * {@code password=abc;rest} is {@code abc}) or a control character.
     */
    private static void checkSecret(String secret, String what) {
        if (secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException(what + " is shorter than " + MIN_SECRET_LENGTH + " characters");
        }
        if (secret.chars().anyMatch(c -> c == ';' || c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException(what + " has a ';' or a control character (Asterisk's files cut it there)");
        }
    }

    private static String secret(Path file) throws IOException {
        if (Files.exists(file)) {
            String secret = SecretFiles.read(file, "--ami-secret-file");
            if (secret.length() < MIN_SECRET_LENGTH) {
                throw new IOException("AMI secret in " + file + " is shorter than " + MIN_SECRET_LENGTH + " characters");
            }
            checkSecret(secret, "the AMI secret in " + file);
            return secret;
        }
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String secret = HexFormat.of().formatHex(random);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: left as created
        }
        return secret;
    }

    private static String asteriskConf(Options o) {
        String root = o.instanceRoot();
        return "; written by 'loket asterisk-config'\n[directories]\nastetcdir => " + root + "/etc\nastmoddir => " + o.moduleDir()
                + "\nastvarlibdir => /var/lib/asterisk\nastdbdir => " + root + "/db\nastkeydir => /var/lib/asterisk"
                + "\nastdatadir => /usr/share/asterisk\nastagidir => /usr/share/asterisk/agi-bin\nastspooldir => " + root
                + "/spool\nastrundir => " + root + "/run\nastlogdir => " + root + "/log\nastsbindir => /usr/sbin\n"
                + "\n[options]\ndocumentation_language = en_US\nhideconnect = yes\n"
                // SHELL() and the like, and config files outside etc, not from the AMI (Asterisk's default, said)
                + "live_dangerously = no\n";
    }

    private static final String MODULES = """
            ; written by 'loket asterisk-config': everything but what a loopback test PBX must not start
            [modules]
            autoload=yes
            noload => chan_console.so
            noload => chan_alsa.so
            noload => chan_oss.so
            noload => chan_mobile.so
            noload => chan_iax2.so
            noload => chan_skinny.so
            noload => chan_mgcp.so
            noload => chan_unistim.so
            noload => chan_dahdi.so
            noload => pbx_dundi.so
            noload => res_hep.so
            noload => res_hep_pjsip.so
            noload => res_hep_rtcp.so
            noload => cdr_radius.so
            noload => cel_radius.so
            noload => res_snmp.so
            noload => res_stun_monitor.so
            noload => res_xmpp.so
            noload => chan_motif.so
            noload => res_calendar.so
            noload => res_calendar_caldav.so
            noload => res_calendar_ews.so
            noload => res_calendar_exchange.so
            noload => res_calendar_icalendar.so
            noload => res_phoneprov.so
            noload => res_pjsip_phoneprov_provider.so
            noload => res_stir_shaken.so
            noload => res_geolocation.so
            noload => res_pjsip_geolocation.so
            noload => cdr_pgsql.so
            noload => cel_pgsql.so
            noload => res_config_pgsql.so
            noload => cdr_odbc.so
            noload => cel_odbc.so
            noload => res_odbc.so
            noload => res_config_odbc.so
            noload => res_pjsip_outbound_registration.so
            ; SIP MESSAGE: an out-of-call MESSAGE runs the sender's context at the Request-URI's user, so
            ; an anonymous MESSAGE to an entry number would start Loket's route (a phantom caller)
            noload => res_pjsip_messaging.so
            ; nothing of Loket's runs a shell: no System() or SHELL() for a dialplan or AMI Originate
            noload => app_system.so
            noload => func_shell.so
            """;

    private static List<AgentSpec> callTakers(LoadedConfig loaded) {
        List<AgentSpec> agents = new ArrayList<>();
        for (AgentSpec agent : loaded.routing().agents()) {
            if (Directory.takesCalls(agent)) {
                agents.add(agent);
            }
        }
        return agents;
    }

    private static String pjsip(LoadedConfig loaded, Options o) {
        String mediaHost = o.sipBind().substring(0, o.sipBind().lastIndexOf(':'));
        StringBuilder s = new StringBuilder("; written by 'loket asterisk-config'\n");
        s.append("[global]\ntype=global\nendpoint_identifier_order=username,ip,anonymous\nuser_agent=Loket PBX\n\n");
        s.append("[transport-udp]\ntype=transport\nprotocol=udp\nbind=").append(o.sipBind()).append("\n\n");
        s.append("[endpoint-defaults](!)\ntype=endpoint\ndisallow=all\nallow=ulaw,alaw\ndirect_media=no\ndtmf_mode=rfc4733\n")
                .append("rtp_symmetric=yes\nice_support=no\nmedia_address=").append(mediaHost)
                .append("\nbind_rtp_to_media_address=yes\nlanguage=").append(loaded.routing().languages().get(0)).append("\n\n");
        s.append("; callers: unidentified calls land in the callers' context (put a carrier trunk with identify here)\n");
        // allow_transfer=no: a caller's REFER would send the agent's leg to an extension of the callers' context
        s.append("[anonymous](endpoint-defaults)\ncontext=loket-callers\nallow_transfer=no\n\n");
        List<AgentSpec> agents = callTakers(loaded);
        for (int n = 0; n < agents.size(); n++) {
            String name = agents.get(n).name();
            Integer number = loaded.agentNumbers().get(name);
            if (number != null) {
                s.append("; agent number ").append(number).append(" (supervisors: ").append(LISTEN_CODE).append(number).append(")\n");
            }
            s.append('[').append(name).append("](endpoint-defaults)\ncontext=loket-agents\naors=").append(name).append('\n');
            String password = o.agentContacts().secretOf(name);
            switch (o.agentContacts()) {
                // No max_contacts (0): Asterisk refuses every REGISTER to this AOR with 403. The endpoint has
                // no auth, so with max_contacts=1 anyone could register as this agent and ring along on
                // (and answer) the citizens' calls Loket offers the desk phone.
                case AgentContacts.Static st when password == null -> s.append("\n[").append(name)
                        .append("]\ntype=aor\ncontact=sip:").append(name).append('@').append(st.host()).append(':')
                        .append(st.shared() ? st.basePort() : st.basePort() + n).append("\n\n");
                case AgentContacts.Register reg when password == null ->
                        throw new IllegalArgumentException("agent '" + name + "' has no password in the agent secrets file");
                default -> registering(s, name, password);
            }
        }
        for (Supervisor supervisor : loaded.supervisors()) {
            String password = o.agentContacts().secretOf(supervisor.name());
            if (password == null) {
                s.append("; supervisor ").append(supervisor.name()).append(": no password in the agent secrets file, no endpoint ")
                        .append("(a phone that can listen to calls must authenticate)\n\n");
                continue;
            }
            s.append("; supervisor ").append(supervisor.name()).append(": dials ").append(LISTEN_CODE).append("N, ").append(WHISPER_CODE)
                    .append("N, ").append(BARGE_CODE).append("N for agent number N\n[").append(supervisor.name())
                    .append("](endpoint-defaults)\ncontext=loket-supervisors\naors=").append(supervisor.name()).append('\n');
            registering(s, supervisor.name(), password);
        }
        // The trunk's side: a call or REFER from it (or from anyone whose From user is loket-callback:
        // no auth) reaches what any caller reaches, not the agents' presence codes.
        s.append("[loket-callback](endpoint-defaults)\ncontext=loket-callers\nallow_transfer=no\naors=loket-callback\n\n"
                + "[loket-callback]\ntype=aor\n");
        if (o.callbackContact() != null) {
            s.append("contact=").append(o.callbackContact()).append('\n');
        }
        return s.toString();
    }

    /**
     * The rest of an agent endpoint whose phone registers: one contact (a new registration replaces
     * the old one), qualified every 30 s, so a phone that went away is unreachable within a minute
     * (the AMI's {@code ContactStatus} tells Loket, which logs the agent out).
     */
    private static void registering(StringBuilder s, String name, String password) {
        checkSecret(password, "the SIP password of '" + name + "'");
        s.append("auth=").append(name).append("-auth\n\n[").append(name).append("]\ntype=aor\nmax_contacts=1\n")
                .append("remove_existing=yes\nqualify_frequency=30\n\n[").append(name)
                .append("-auth]\ntype=auth\nauth_type=userpass\nusername=").append(name)
                .append("\npassword=").append(password).append("\n\n");
    }

    private static String extensions(LoadedConfig loaded, Options o) {
        StringBuilder s = new StringBuilder("; written by 'loket asterisk-config'\n[general]\nstatic=yes\nwriteprotect=yes\n\n");
        // Callers (anonymous ones too) reach exactly the entry numbers; anything else hears "no service".
        s.append("[loket-callers]\n");
        for (Map.Entry<String, String> number : loaded.entryByNumber().entrySet()) {
            s.append("exten => ").append(number.getKey()).append(",1,Set(LOKET_ENTRY=").append(number.getValue()).append(")\n")
                    .append(" same => n,Goto(loket-route,s,1)\n");
        }
        if (o.comparisonQueue()) {
            s.append("; the same agents through Asterisk's own queue, without Loket (nothing journaled): the load script's\n")
                    .append("; comparison path, written only with --comparison-queue\n")
                    .append("exten => app-queue,1,Answer()\n same => n,Queue(loket-fallback,,,,").append(o.fallbackSeconds())
                    .append(")\n same => n,Hangup()\n");
        }
        s.append("exten => _X.,1,Answer()\n same => n,Playback(ss-noservice)\n same => n,Hangup()\n\n");
        List<String> languages = loaded.routing().languages();
        s.append("""
                ; Loket renders the call over FastAGI. A call is done when Loket says so (LOKET_DONE=1) or when
                ; an agent answered it (DIALSTATUS=ANSWER: the caller was served). When Loket does not finish
                ; the call otherwise (it is down, it did not answer in time, it refused the contact) the caller
                ; reaches a plain queue of the same agents, then a closing message: never silence.
                ; The service announcement plays first, Loket up or down: Loket writes database loket/outage from
                ; its own (admin API PUT /api/v1/announcement, journaled); while Loket is down an operator may
                ; set it here by hand: database put loket outage PROMPT (del to clear). It plays in every language
                ; of the configuration, the first one first: nobody has chosen a language yet.
                [loket-route]
                exten => s,1,Answer()
                 same => n,Set(LOKET_OUTAGE=${DB(loket/outage)})
                """);
        s.append(" same => n,ExecIf($[\"${LOKET_OUTAGE}\" != \"\"]?Playback(").append(inEveryLanguage(o.soundsDir(), languages, "${LOKET_OUTAGE}"))
                .append("))\n");
        s.append(" same => n,AGI(agi://").append(o.agiAddress()).append("/route,${LOKET_ENTRY})\n");
        s.append(" same => n,GotoIf(").append(DONE_CONDITION).append("?done)\n");
        s.append(" same => n(fallback),UserEvent(LoketFallback,Entry: ${LOKET_ENTRY},AgiStatus: ${AGISTATUS})\n");
        s.append(" same => n,Queue(loket-fallback,,,,").append(o.fallbackSeconds()).append(")\n");
        s.append(" same => n,Playback(").append(inEveryLanguage(o.soundsDir(), languages, PhonePrompts.FALLBACK_CLOSED)).append(")\n");
        s.append(" same => n(done),Hangup()\n\n");
        s.append("; a waiting caller whose hold Loket ended (AMI Redirect to the call's id) to hand it an offer,\n")
                .append("; or a caller an agent transferred out of their conversation: the same call carries on in a new\n")
                .append("; AGI session (DIALSTATUS cleared: a transferred caller is not served yet)\n[loket-resume]\n");
        s.append("exten => _X.,1,Set(DIALSTATUS=)\n");
        s.append(" same => n,AGI(agi://").append(o.agiAddress()).append("/resume,${EXTEN})\n");
        s.append(" same => n,GotoIf(").append(DONE_CONDITION).append("?loket-route,s,done:loket-route,s,fallback)\n\n");
        s.append("; a callback: the agent answered the originated call; Loket rings the citizen\n[loket-callback]\n");
        s.append("exten => s,1,AGI(agi://").append(o.agiAddress()).append("/callback,${LOKET_CONTACT},${LOKET_AGENT})\n");
        s.append(" same => n,Hangup()\n\n");
        s.append("; a warm transfer: the next agent answered the originated call; Loket bridges the caller with it\n[loket-warm]\n");
        s.append("exten => s,1,AGI(agi://").append(o.agiAddress()).append("/warm,${LOKET_CONTACT},${LOKET_AGENT})\n");
        s.append(" same => n,Hangup()\n\n");
        s.append("; agents' phones: presence codes (ready, pause, end of after-call work); nothing else is dialled from here\n[loket-agents]\n");
        for (String[] code : new String[][] {{READY_CODE, "ready"}, {PAUSE_CODE, "pause"}, {WRAP_UP_CODE, "wrapup"}}) {
            s.append("exten => ").append(code[0]).append(",1,Answer()\n same => n,AGI(agi://").append(o.agiAddress())
                    .append("/presence,").append(code[1]).append(",${CHANNEL(endpoint)})\n same => n,Hangup()\n");
        }
        // *56N: pause with the N-th pause reason (the configuration's pauseReasons);
        // *57N: end the after-call work with the N-th wrap-up code (the configuration's wrapUpCodes)
        for (String[] code : new String[][] {{PAUSE_CODE, "pause"}, {WRAP_UP_CODE, "wrapup"}}) {
            s.append("exten => _").append(code[0]).append("X,1,Answer()\n same => n,AGI(agi://").append(o.agiAddress())
                    .append("/presence,").append(code[1]).append(",${CHANNEL(endpoint)},${EXTEN:").append(code[0].length())
                    .append("})\n same => n,Hangup()\n");
        }
        s.append("exten => _X.,1,Hangup()\n\n");
        s.append("; supervisors' phones (authenticated): listen to, whisper to, barge into the call of agent number N;\n")
                .append("; Loket checks who may monitor whom, logs every attempt and runs ChanSpy on the agent's call\n[loket-supervisors]\n");
        for (String[] code : new String[][] {{LISTEN_CODE, "listen"}, {WHISPER_CODE, "whisper"}, {BARGE_CODE, "barge"}}) {
            for (String digits : new String[] {"X", "X."}) { // one digit; two or more ('.' is one or more characters)
                s.append("exten => _").append(code[0]).append(digits).append(",1,Answer()\n same => n,AGI(agi://").append(o.agiAddress())
                        .append("/monitor,").append(code[1]).append(",${CHANNEL(endpoint)},${EXTEN:").append(code[0].length())
                        .append("})\n same => n,Hangup()\n");
            }
        }
        s.append("exten => _X.,1,Hangup()\n");
        return s.toString();
    }

    /** Supervisors of the configuration whose endpoint {@link #write} leaves out: no password to authenticate with. */
    public static List<String> supervisorsWithoutPassword(LoadedConfig loaded, AgentContacts contacts) {
        return loaded.supervisors().stream().map(Supervisor::name).filter(name -> contacts.secretOf(name) == null).toList();
    }

    /** Playback's argument for a prompt in every language, one after the other: {@code DIR/nl/P&DIR/en/P}. */
    private static String inEveryLanguage(String soundsDir, List<String> languages, String prompt) {
        return String.join("&", languages.stream().map(language -> soundsDir + '/' + language + '/' + prompt).toList());
    }

    /** The AMI classes Loket's user gets: what {@code AmiLink} and {@code AmiProbe} send and read, no more. */
    static final String AMI_READ = "system,call";
    static final String AMI_WRITE = "system,call,originate";

    private static String manager(Options o, String secret) {
        int colon = o.amiBind().lastIndexOf(':');
        String host = o.amiBind().substring(0, colon);
        String quiet = o.allAmiEvents() ? ""
                : "; the per-call events Loket does not read, off for every manager user (--all-ami-events keeps them):\n"
                        + "; each one costs Asterisk CPU for every logged-in session, whatever its filters\n"
                        + "disabledevents=" + String.join(",", QUIET_EVENTS) + "\n";
        return "; written by 'loket asterisk-config'\n[general]\nenabled=yes\nwebenabled=no\n" + quiet + "bindaddr=" + host + "\nport="
                + o.amiBind().substring(colon + 1) + "\n\n[" + o.amiUser() + "]\nsecret=" + secret
                + "\ndeny=0.0.0.0/0.0.0.0\npermit=" + (host.startsWith("127.") ? "127.0.0.1/255.255.255.255" : host + "/255.255.255.255")
                // Least privilege (an action needs one of its classes): system for DBPut, DBDel,
                // PJSIPShowEndpoints, CoreShowChannels and Hangup; call for GetVar and Redirect;
                // originate for Originate. Events: ContactStatus, FullyBooted, Shutdown (system),
                // DialEnd (call). No agent (queue actions), user (UserEvent), reporting.
                + "\nread=" + AMI_READ + "\nwrite=" + AMI_WRITE + "\n"
                // Only the events the adapter translates (and the replies to its resynchronisation):
                // asterisk-java builds a bean per event by reflection, and a call makes dozens.
                + "eventfilter=Event: ContactStatus\neventfilter=Event: DialEnd\neventfilter=Event: EndpointList\n"
                + "eventfilter=Event: EndpointListComplete\n"
                + "eventfilter=Event: FullyBooted\neventfilter=Event: Shutdown\n";
    }

    private static String queues(LoadedConfig loaded) {
        StringBuilder s = new StringBuilder("; written by 'loket asterisk-config': the fallback (and comparison) queue\n");
        s.append("[general]\nshared_lastcall=no\n\n[loket-fallback]\nstrategy=leastrecent\ntimeout=15\nretry=1\nwrapuptime=0\n")
                .append("joinempty=yes\nleavewhenempty=no\nringinuse=no\nautofill=yes\nannounce-frequency=0\n");
        for (AgentSpec agent : callTakers(loaded)) {
            s.append("member => PJSIP/").append(agent.name()).append('\n');
        }
        return s.toString();
    }

    private static String prompts(LoadedConfig loaded) {
        StringBuilder s = new StringBuilder("# language\tprompt\ttext (ops/asterisk/asterisk.sh turns these into audio)\n");
        for (Map.Entry<String, Map<String, String>> prompt : loaded.promptTexts().entrySet()) {
            for (Map.Entry<String, String> text : prompt.getValue().entrySet()) {
                s.append(text.getKey()).append('\t').append(prompt.getKey()).append('\t')
                        .append(text.getValue().replaceAll("\\s+", " ").trim()).append('\n');
            }
        }
        for (String language : loaded.routing().languages()) {
            for (int n = 0; n <= 99; n++) {
                s.append(language).append("\tnumber-").append(n).append('\t').append(n).append('\n');
            }
        }
        return s.toString();
    }
}
