package org.loket.telephony.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.loket.config.ConfigException;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.host.cli.CliExtension;
import org.loket.host.security.SecretFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loket asterisk-config}: Asterisk's configuration from Loket's, for the test PBX and for operators. */
@Command(name = "asterisk-config", mixinStandardHelpOptions = true,
        description = "Write an Asterisk 22 configuration (PJSIP, dialplan with fallback route, AMI, queues, prompt texts) from Loket's configuration.")
public final class AsteriskConfigCommand implements Callable<Integer>, CliExtension {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", description = "Loket configuration folder (default: the embedded default)")
    Path config;

    @Option(names = "--out", required = true, description = "folder to write into (Asterisk's etc folder)")
    Path out;

    @Option(names = "--sip-bind", defaultValue = "127.0.0.1:5060", description = "PJSIP UDP transport (default: ${DEFAULT-VALUE})")
    String sipBind;

    @Option(names = "--ami-bind", defaultValue = "127.0.0.1:5038", description = "manager interface (default: ${DEFAULT-VALUE})")
    String amiBind;

    @Option(names = "--ami-user", defaultValue = "loket", description = "manager user (default: ${DEFAULT-VALUE})")
    String amiUser;

    @Option(names = "--ami-secret-file", required = true,
            description = "file with the manager secret; generated (mode 600) when missing. Give the same file to loket run as telephony.ami.secretFile")
    Path amiSecretFile;

    @Option(names = "--agi", defaultValue = "127.0.0.1:4573", description = "Loket's FastAGI server (default: ${DEFAULT-VALUE})")
    String agi;

    @Option(names = "--agent-contacts", defaultValue = "register",
            description = "'register' (phones register; passwords from --agent-secrets-file) or 'static:HOST:BASEPORT' "
                    + "(the n-th call-taking agent at sip:NAME@HOST:BASEPORT+n, for sipp agents) or 'shared:HOST:PORT' (all at one port)"
                    + " (default: ${DEFAULT-VALUE})")
    String agentContacts;

    @Option(names = "--agent-secrets-file", description = "lines 'agent-name=password': every agent's with --agent-contacts register; "
            + "with static or shared, the agents listed here register instead (softphones). Supervisors' phones always "
            + "register with the password given here; a supervisor without one gets no endpoint")
    Path agentSecretsFile;

    @Option(names = "--callback-contact", description = "SIP URI of the trunk callbacks go out through, e.g. sip:127.0.0.1:5090")
    String callbackContact;

    @Option(names = "--sounds-dir", defaultValue = "/loket/sounds", description = "Loket's prompts as Asterisk sees them (default: ${DEFAULT-VALUE})")
    String soundsDir;

    @Option(names = "--instance-root", defaultValue = "/loket", description = "folder of etc, run, log, spool, db in asterisk.conf (default: ${DEFAULT-VALUE})")
    String instanceRoot;

    @Option(names = "--module-dir", defaultValue = "/usr/lib/x86_64-linux-gnu/asterisk/modules", description = "Asterisk's modules (default: ${DEFAULT-VALUE})")
    String moduleDir;

    @Option(names = "--fallback-seconds", defaultValue = "120", description = "longest wait in the fallback queue (default: ${DEFAULT-VALUE})")
    int fallbackSeconds;

    @Option(names = "--rtp-ports", defaultValue = "10000-20000", description = "RTP port range (default: ${DEFAULT-VALUE})")
    String rtpPorts;

    @Option(names = "--all-ami-events", description = "keep every AMI event; by default the per-call events Loket does not "
            + "read are switched off in Asterisk as a whole (disabledevents), which spares Asterisk CPU on every call but "
            + "hides them from other AMI users too")
    boolean allAmiEvents;

    @Option(names = "--comparison-queue", description = "also write extension app-queue in the callers' context: Asterisk's own "
            + "queue of the same agents, without Loket (nothing journaled), for perf/asterisk-load.sh's side-by-side run; "
            + "not for a production Asterisk, where any caller could dial it")
    boolean comparisonQueue;

    @Override
    public Integer call() throws IOException {
        var err = spec.commandLine().getErr();
        LoadedConfig loaded;
        try {
            loaded = config == null ? ConfigLoader.loadDefault() : ConfigLoader.load(config);
        } catch (ConfigException e) {
            err.println(e.getMessage()); // its problems, each an "error: FILE:LINE: ..." line
            return 1;
        }
        AsteriskConfigWriter.AgentContacts contacts;
        try {
            contacts = agentContacts();
        } catch (IllegalArgumentException e) { // a secrets file others may read, or that cannot be read
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        AsteriskConfigWriter.Options options = new AsteriskConfigWriter.Options(sipBind, amiBind, amiUser, agi, contacts,
                callbackContact, soundsDir, instanceRoot, moduleDir, fallbackSeconds, rtpPorts, allAmiEvents, comparisonQueue);
        // A writer's refusal (an agent without a password) is an IllegalArgumentException: "error: ..." and exit 1 (LoketCli.failure).
        List<Path> written = AsteriskConfigWriter.write(loaded, options, amiSecretFile, out);
        spec.commandLine().getOut().printf("loket: wrote %d files to %s from %s (%s: owner-only, they hold secrets;"
                + " Asterisk must run as this user or be given them)%n", written.size(), out, loaded.source(),
                String.join(", ", new java.util.TreeSet<>(AsteriskConfigWriter.HOLD_SECRETS)));
        List<String> left = AsteriskConfigWriter.supervisorsWithoutPassword(loaded, contacts);
        if (!left.isEmpty()) {
            spec.commandLine().getOut().printf("loket: no endpoint for supervisors %s: a phone that can listen to calls must "
                    + "authenticate; give their passwords in --agent-secrets-file%n", left);
        }
        return 0;
    }

    /** The agents' contacts {@code --agent-contacts} names; a mistake in it is a {@link CommandLine.ParameterException}. */
    private AsteriskConfigWriter.AgentContacts agentContacts() {
        if (agentContacts.startsWith("static:") || agentContacts.startsWith("shared:")) {
            String[] parts = agentContacts.split(":");
            if (parts.length != 3 || !parts[2].matches("[0-9]{1,5}")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--agent-contacts '" + agentContacts
                        + "': expected static:HOST:BASEPORT or shared:HOST:PORT, e.g. static:127.0.0.1:5100");
            }
            // Agents with a password in the secrets file register (softphones among desk phones).
            Map<String, String> registering = agentSecretsFile == null ? Map.of()
                    : SecretFiles.nameValueLines(agentSecretsFile, "--agent-secrets-file");
            return new AsteriskConfigWriter.AgentContacts.Static(parts[1], Integer.parseInt(parts[2]), parts[0].equals("shared"),
                    registering);
        } else if (agentContacts.equals("register")) {
            if (agentSecretsFile == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--agent-contacts register (the default) needs "
                        + "--agent-secrets-file (lines agent-name=password); or give --agent-contacts static:HOST:BASEPORT or shared:HOST:PORT");
            }
            return new AsteriskConfigWriter.AgentContacts.Register(SecretFiles.nameValueLines(agentSecretsFile, "--agent-secrets-file"));
        } else {
            throw new CommandLine.ParameterException(spec.commandLine(), "--agent-contacts '" + agentContacts
                    + "': valid: register, static:HOST:BASEPORT, shared:HOST:PORT");
        }
    }
}
