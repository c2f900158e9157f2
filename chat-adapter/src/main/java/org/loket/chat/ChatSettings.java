package org.loket.chat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.loket.host.journal.JournalFiles;
import org.loket.host.security.SecretFiles;
import org.loket.host.security.Tokens;

/**
 * The chat gateway's process settings, read once at start from {@code --set chat.KEY=VALUE}
 * (the map handed to {@link ChatGatewayProvider#create}). Secrets (agent secrets, tokens, the TLS
 * key-store password) are held here and never printed: {@link #toString()} leaves them out.
 *
 * @param bindAddress            the address the server binds (default 127.0.0.1: loopback unless an operator says otherwise)
 * @param port                   TCP port; 0 picks a free one (tests)
 * @param keyStore               PKCS#12 key store for TLS, or {@code null} for plain HTTP
 * @param keyStorePassword       its password
 * @param agentSecrets           per agent name, the secret the desktop login needs; per supervisor name (the
 *                               configuration's {@code supervisors}), the secret of the wallboard's sign-in
 * @param supervisorToken        the token the wallboard (view only) and the stats endpoint need, 16+ characters; {@code null} = refused
 * @param workItemToken          the bearer token {@code POST /api/v1/work-items} needs, 16+ characters; {@code null} = refused
 * @param trustedProxies         reverse proxies whose {@code X-Forwarded-For} names the client ({@code chat.trusted-proxies},
 *                               IP addresses; default none: the connection's peer is the client, see {@link ClientAddress})
 * @param allowedOrigins         pages of other sites than the server's own that may open its WebSockets
 *                               ({@code chat.allowed-origins}, comma-separated {@code scheme://host[:port]}; see {@link Origins})
 * @param webhookUrl             where replies and outcomes of work items go, or {@code null}
 * @param webhookToken           bearer token sent to the webhook, or {@code null}
 * @param maxFrameBytes          largest WebSocket frame accepted; a larger one closes that connection (1009)
 * @param maxTextChars           longest chat message or note
 * @param messagesPerSecond      sustained frames per connection; more are refused with an error frame
 * @param burstMessages          frames a connection may send at once before the rate applies
 * @param idleTimeoutSeconds     a connection that sends nothing for this long is closed
 * @param resumeSeconds          how long a citizen who lost the connection keeps their place (resume-token expiry)
 * @param botIdleSeconds         how long the chatbot waits for a connected citizen's next step before it closes the
 *                               conversation (the menus' input timeouts are the phone's; {@code chat.bot-idle-seconds}, default 900)
 * @param positionUpdateMs       how often waiting citizens get their position and estimated wait
 * @param wallboardUpdateMs      how often the wallboard is pushed (only when something changed)
 * @param adherenceGraceSeconds  how long an agent may be out of adherence to its schedule before the wallboard shows it red
 * @param chatEntry              entry name of the web chat (default "chatbot": a flow, so the bot runs first)
 * @param emailEntry             entry name of e-mail work items
 * @param socialEntry            entry name of social-media work items
 * @param transcriptFolder       where the transcript store lives ({@code chat.transcript-folder}; default
 *                               {@code transcripts} in the folder of files of the journal the host names in
 *                               {@code loket.journal} ({@link JournalFiles}: {@code var/journal.files/transcripts}), else
 *                               {@code var/transcripts})
 * @param transcriptRetentionDays days a day's transcripts are kept after that day ({@code chat.transcript-retention-days}, default 30)
 * @param pseudonymKeyFile       key of the work items' sender pseudonyms ({@code chat.pseudonym-key-file}, 16+ bytes);
 *                               {@code null}: a random key of this process (senders are not linked across a restart)
 * @param lockoutFailures        wrong secrets for one agent's or supervisor's name within {@code lockoutMinutes} that lock
 *                               the name out for as long ({@code chat.lockout-failures}, default 5; 0 = never)
 * @param lockoutMinutes         {@code chat.lockout-minutes}, default 15
 * @param lockoutAddressFailures wrong secrets or tokens from one address within {@code lockoutMinutes}, for any names
 *                               (of nobody's too), that lock that address out of every sign-in for as long
 *                               ({@code chat.lockout-address-failures}, default 50: high enough for colleagues behind one
 *                               NAT, low enough to stop one address trying a few secrets on every name; 0 = never)
 * @param citizenHistoryDays     how far back the desktop shows a known citizen's earlier contacts (callers and
 *                               senders by their pseudonym) with the offer of their next one
 *                               ({@code chat.citizen-history-days}, default 7: docs/domain.md's repeat window; 0 = none)
 * @param maxLiveChats           web chats open at once (with the bot, waiting, with an agent, or gone but resumable);
 *                               a start beyond is refused as busy ({@code chat.max-live-chats}, default 2,000). The core's
 *                               contact slots are shared by every channel: anonymous chats must not fill what callers need
 * @param startsPerSecond        new web chats per second over all connections, with a burst of ten seconds' worth
 *                               ({@code chat.starts-per-second}, default 20); more are refused as busy and counted
 * @param supervisorIdleMinutes  a supervisor's wallboard session ends after this long without a sign-in, page load or action
 *                               of theirs ({@code chat.supervisor-idle-minutes}, default 60; a page's pings and reconnects
 *                               do not count: {@link Supervisors})
 * @param supervisorSessionHours and in any case this long after the sign-in ({@code chat.supervisor-session-hours}, default 12)
 * @param supervisorSessionFile  where supervisors' sessions are kept across a restart ({@code chat.supervisor-session-file};
 *                               default {@value #SESSION_FILE} in the journal's folder of files, like the transcripts, else
 *                               {@code var/}{@value #SESSION_FILE})
 * @param agentIdleMinutes       an agent's desktop session ends after this long without use ({@code chat.agent-idle-minutes},
 *                               default 60; being ready or holding a contact at an open desktop is use, pings and the
 *                               page's reconnects are not: {@link AgentSessions})
 * @param agentSessionHours      and in any case this long after the sign-in ({@code chat.agent-session-hours}, default 12:
 *                               a shift and a margin)
 * @param agentSessionFile       where agents' sessions are kept across a restart ({@code chat.agent-session-file}; default
 *                               {@value #AGENT_SESSION_FILE} in the journal's folder of files, else {@code var/}{@value #AGENT_SESSION_FILE})
 * @param webhookOutboxFile      where webhook messages wait until the gateway took them, across a restart
 *                               ({@code chat.webhook-outbox-file}; default {@value #OUTBOX_FILE} in the journal's folder of files;
 *                               given-up ones go to {@value WebhookOutbox#GIVEN_UP_FILE} in its folder: {@link WebhookOutbox})
 * @param webhookGiveUpHours     how long a webhook message is retried after it was queued before it is given up
 *                               ({@code chat.webhook-give-up-hours}, default 72: a gateway down for a long weekend)
 */
public record ChatSettings(String bindAddress, int port, Path keyStore, String keyStorePassword,
                           Map<String, String> agentSecrets, String supervisorToken, String workItemToken,
                           java.util.Set<java.net.InetAddress> trustedProxies, java.util.List<String> allowedOrigins,
                           String webhookUrl, String webhookToken, int maxFrameBytes, int maxTextChars,
                           int messagesPerSecond, int burstMessages, int idleTimeoutSeconds, int resumeSeconds,
                           int botIdleSeconds, int positionUpdateMs, int wallboardUpdateMs, int adherenceGraceSeconds,
                           String chatEntry, String emailEntry, String socialEntry,
                           Path transcriptFolder, int transcriptRetentionDays, Path pseudonymKeyFile,
                           int lockoutFailures, int lockoutMinutes, int citizenHistoryDays,
                           int maxLiveChats, int startsPerSecond,
                           int supervisorIdleMinutes, int supervisorSessionHours, Path supervisorSessionFile,
                           int agentIdleMinutes, int agentSessionHours, Path agentSessionFile, int lockoutAddressFailures,
                           Path webhookOutboxFile, int webhookGiveUpHours) {

    /** The key that switches the gateway on. */
    public static final String PORT = "chat.port";
    /** The wall displays' shared token; also the name its wrong guesses are counted under ({@link CredentialGuard}). */
    static final String SUPERVISOR_TOKEN = "chat.supervisor-token";
    /** The journal folder, as the host passes it to gateways; the transcripts and other files go in its folder of files. */
    public static final String JOURNAL = "loket.journal";
    /** The supervisors' sessions file's name when {@code chat.supervisor-session-file} does not name one. */
    static final String SESSION_FILE = "supervisor-sessions.jsonl";
    /** The agents' sessions file's name when {@code chat.agent-session-file} does not name one. */
    static final String AGENT_SESSION_FILE = "agent-sessions.jsonl";
    /** The webhook's outbox file's name when {@code chat.webhook-outbox-file} does not name one. */
    static final String OUTBOX_FILE = "webhook-outbox.jsonl";

    /** Every key {@link #from} reads ({@code chat.agent-secret.} stands for one per agent), and the two it refuses as retired. */
    static final java.util.Set<String> KEYS = java.util.Set.of(PORT, "chat.bind", "chat.tls.keystore", "chat.tls.keystore-password",
            "chat.agent-secrets-file", "chat.agent-secret.", SUPERVISOR_TOKEN, "chat.work-item-token", "chat.trusted-proxies",
            "chat.allowed-origins", "chat.webhook-url",
            "chat.webhook-token", "chat.max-frame-bytes", "chat.max-text-chars", "chat.messages-per-second", "chat.burst-messages",
            "chat.idle-timeout-seconds", "chat.resume-seconds", "chat.bot-idle-seconds", "chat.position-update-ms", "chat.wallboard-update-ms",
            "chat.adherence-grace-seconds", "chat.entry", "chat.email-entry", "chat.social-entry", "chat.transcript-folder",
            "chat.transcript-retention-days", "chat.pseudonym-key-file", "chat.lockout-failures", "chat.lockout-minutes",
            "chat.citizen-history-days", "chat.supervisor-idle-minutes", "chat.supervisor-session-hours",
            "chat.supervisor-session-file", "chat.agent-idle-minutes", "chat.agent-session-hours", "chat.agent-session-file",
            "chat.lockout-address-failures", "chat.pause-reasons", "chat.wrap-up-codes", "chat.max-live-chats", "chat.starts-per-second",
            "chat.webhook-outbox-file", "chat.webhook-give-up-hours",
            JOURNAL);

    /**
     * Reads {@code chat.*} keys. Agent secrets come from {@code chat.agent-secrets-file} (a
     * properties file: agent name = secret) and/or {@code chat.agent-secret.NAME}.
     *
     * @throws IllegalArgumentException naming the key and the value that is wrong (never a secret's value)
     */
    public static ChatSettings from(Map<String, String> settings) {
        if (settings.containsKey("chat.pause-reasons")) {
            throw new IllegalArgumentException("chat.pause-reasons is no longer a setting: pause reasons are the routing "
                    + "configuration's 'pauseReasons' section (shared by the desktop, the phones' *56N and the admin API)");
        }
        if (settings.containsKey("chat.wrap-up-codes")) {
            throw new IllegalArgumentException("chat.wrap-up-codes is no longer a setting: wrap-up codes are the routing "
                    + "configuration's 'wrapUpCodes' section (journaled with it, so reports can name them)");
        }
        Map<String, String> secrets = new LinkedHashMap<>();
        String secretsFile = settings.get("chat.agent-secrets-file");
        if (secretsFile != null) {
            secrets.putAll(SecretFiles.nameValueLines(Path.of(secretsFile), "chat.agent-secrets-file"));
        }
        settings.forEach((key, value) -> {
            if (key.startsWith("chat.agent-secret.")) {
                secrets.put(key.substring("chat.agent-secret.".length()), value);
            }
        });
        String keyStore = settings.get("chat.tls.keystore");
        return new ChatSettings(
                settings.getOrDefault("chat.bind", "127.0.0.1"),
                integer(settings, PORT, 8080, 0, 65_535),
                keyStore == null ? null : Path.of(keyStore),
                settings.getOrDefault("chat.tls.keystore-password", ""),
                Map.copyOf(secrets),
                token(settings, SUPERVISOR_TOKEN),
                token(settings, "chat.work-item-token"),
                java.util.Set.copyOf(values(settings, "chat.trusted-proxies", ClientAddress::literal,
                        "an IP address (the address a reverse proxy connects to Loket from)")),
                values(settings, "chat.allowed-origins", Origins::normalise, "an origin (scheme://host[:port], no path: e.g. https://chat.example.nl)"),
                settings.get("chat.webhook-url"),
                settings.get("chat.webhook-token"),
                integer(settings, "chat.max-frame-bytes", 8_192, 256, 1 << 20),
                integer(settings, "chat.max-text-chars", 2_000, 1, 100_000),
                integer(settings, "chat.messages-per-second", 10, 1, 10_000),
                integer(settings, "chat.burst-messages", 20, 1, 10_000),
                integer(settings, "chat.idle-timeout-seconds", 120, 1, 86_400),
                integer(settings, "chat.resume-seconds", 300, 1, 86_400),
                integer(settings, "chat.bot-idle-seconds", 900, 1, 86_400),
                integer(settings, "chat.position-update-ms", 1_000, 50, 60_000),
                integer(settings, "chat.wallboard-update-ms", 1_000, 50, 60_000),
                integer(settings, "chat.adherence-grace-seconds", 120, 0, 3_600),
                settings.getOrDefault("chat.entry", "chatbot"),
                settings.getOrDefault("chat.email-entry", "email"),
                settings.getOrDefault("chat.social-entry", "webcare"),
                besideJournal(settings, "chat.transcript-folder", "transcripts"),
                integer(settings, "chat.transcript-retention-days", 30, 1, 3_650),
                settings.containsKey("chat.pseudonym-key-file") ? Path.of(settings.get("chat.pseudonym-key-file")) : null,
                integer(settings, "chat.lockout-failures", 5, 0, 1_000),
                integer(settings, "chat.lockout-minutes", 15, 1, 1_440),
                integer(settings, "chat.citizen-history-days", 7, 0, 31),
                integer(settings, "chat.max-live-chats", 2_000, 1, 1_000_000),
                integer(settings, "chat.starts-per-second", 20, 1, 1_000_000),
                integer(settings, "chat.supervisor-idle-minutes", 60, 1, 1_440),
                integer(settings, "chat.supervisor-session-hours", 12, 1, 168),
                besideJournal(settings, "chat.supervisor-session-file", SESSION_FILE),
                integer(settings, "chat.agent-idle-minutes", 60, 1, 1_440),
                integer(settings, "chat.agent-session-hours", 12, 1, 168),
                besideJournal(settings, "chat.agent-session-file", AGENT_SESSION_FILE),
                integer(settings, "chat.lockout-address-failures", 50, 0, 1_000),
                besideJournal(settings, "chat.webhook-outbox-file", OUTBOX_FILE),
                integer(settings, "chat.webhook-give-up-hours", 72, 1, 720));
    }

    private static int integer(Map<String, String> settings, String key, int defaultValue, int min, int max) {
        String value = settings.get(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException(key + " " + value + " is outside " + min + ".." + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " '" + value + "' is not a whole number", e);
        }
    }

    /** A shared token, or null when unset; one shorter than {@link Tokens#MIN_LENGTH} is refused at start. */
    private static String token(Map<String, String> settings, String key) {
        String token = settings.get(key);
        return token == null ? null : Tokens.requireLongEnough(token, key);
    }

    /**
     * The comma-separated values of {@code key} (none when unset), each as {@code parse} reads it.
     *
     * @param wanted what a value must be, for the message when {@code parse} gives null
     */
    private static <T> java.util.List<T> values(Map<String, String> settings, String key, java.util.function.Function<String, T> parse,
                                                String wanted) {
        java.util.List<T> values = new java.util.ArrayList<>();
        for (String given : settings.getOrDefault(key, "").split(",")) {
            if (!given.isBlank()) {
                T value = parse.apply(given.strip());
                if (value == null) {
                    throw new IllegalArgumentException(key + ": '" + given.strip() + "' is not " + wanted);
                }
                values.add(value);
            }
        }
        return java.util.List.copyOf(values);
    }

    /**
     * The path {@code key} names, else {@code name} in the folder of files of the journal the host
     * passes ({@link JournalFiles}), else in {@code var}.
     */
    private static Path besideJournal(Map<String, String> settings, String key, String name) {
        String given = settings.get(key);
        if (given != null) {
            return Path.of(given);
        }
        String journal = settings.get(JOURNAL);
        return journal != null ? JournalFiles.of(Path.of(journal), name) : Path.of("var", name);
    }

    /**
     * The files kept in the journal's folder of files with these settings (those no setting places
     * elsewhere), with what is set aside beside them (a malformed session file, the outbox's
     * given-up and resend files): {@link org.loket.host.gateway.GatewayProvider#filesKeptForJournal}.
     */
    static java.util.List<String> filesKeptForJournal(Map<String, String> settings) {
        java.util.List<String> kept = new java.util.ArrayList<>();
        if (!settings.containsKey("chat.transcript-folder")) {
            kept.add("transcripts");
        }
        if (!settings.containsKey("chat.supervisor-session-file")) {
            kept.addAll(java.util.List.of(SESSION_FILE, SESSION_FILE + ".*"));
        }
        if (!settings.containsKey("chat.agent-session-file")) {
            kept.addAll(java.util.List.of(AGENT_SESSION_FILE, AGENT_SESSION_FILE + ".*"));
        }
        if (!settings.containsKey("chat.webhook-outbox-file")) {
            kept.addAll(java.util.List.of(OUTBOX_FILE, OUTBOX_FILE + ".*", WebhookOutbox.GIVEN_UP_FILE, WebhookOutbox.RESEND_FILE));
        }
        return kept;
    }

    /** Whether the server speaks TLS. */
    public boolean tls() {
        return keyStore != null;
    }

    /** Leaves every secret out: settings are printed at start and may end up in logs. */
    @Override
    public String toString() {
        return "ChatSettings[bind=" + bindAddress + ':' + port + " tls=" + tls() + " agents with a secret=" + agentSecrets.size()
                + " supervisor token " + (supervisorToken == null ? "unset" : "set") + ", work-item token "
                + (workItemToken == null ? "unset" : "set") + ", webhook " + (webhookUrl == null ? "unset" : "set")
                + " maxFrameBytes=" + maxFrameBytes + " messagesPerSecond=" + messagesPerSecond + " idleTimeoutSeconds="
                + idleTimeoutSeconds + " resumeSeconds=" + resumeSeconds + " transcripts=" + transcriptFolder
                + " kept " + transcriptRetentionDays + " days, supervisors' sessions " + supervisorSessionFile + " idle "
                + supervisorIdleMinutes + " min, at most " + supervisorSessionHours + " h, agents' sessions " + agentSessionFile
                + " idle " + agentIdleMinutes + " min, at most " + agentSessionHours + " h"
                + (webhookUrl == null ? "" : ", webhook outbox " + webhookOutboxFile + " given up after " + webhookGiveUpHours + " h") + "]";
    }
}
