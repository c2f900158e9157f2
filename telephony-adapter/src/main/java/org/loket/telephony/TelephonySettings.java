package org.loket.telephony;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.loket.host.journal.JournalFiles;

/**
 * The adapter's process settings, from {@code loket run --set telephony.KEY=VALUE}. Read once at start.
 *
 * @param agiBind             address the FastAGI server binds ({@code telephony.agi.bind}, default 127.0.0.1)
 * @param agiPort             its port ({@code telephony.agi.port}, default 4573)
 * @param amiHost             Asterisk's manager interface ({@code telephony.ami.host}, default 127.0.0.1)
 * @param amiPort             ({@code telephony.ami.port}, default 5038)
 * @param amiUser             ({@code telephony.ami.user}, default loket)
 * @param amiSecretFile       file holding the manager secret ({@code telephony.ami.secretFile}, required):
 *                            never on the command line
 * @param pseudonymKeyFile    key of the caller-number pseudonyms ({@code telephony.pseudonymKeyFile});
 *                            without it a random key per process (pseudonyms then differ across restarts)
 * @param engineTimeoutMs     longest wait for the engine's next decision before the call takes the
 *                            fallback route ({@code telephony.engineTimeoutMs}, default 2000)
 * @param waitPollMs          slice of a digit wait between looks at the call's decisions
 *                            ({@code telephony.waitPollMs}, default 100) in a menu's input wait
 * @param holdCheckMs         longest hold (music, digit wait) of a waiting caller between looks at the call's
 *                            decisions ({@code telephony.holdCheckMs}, default 5000): an offer ends the hold at
 *                            once (AMI Redirect); this only bounds the delay when AMI is down
 * @param announceEveryMs     interval of position and estimated-wait announcements while waiting
 *                            ({@code telephony.announceEveryMs}, default 30000; 0 = none)
 * @param callbackDigit       key a waiting caller presses to be called back ({@code telephony.callbackDigit},
 *                            default 1; empty = no callback offer)
 * @param soundsDir           folder of Loket's prompts as Asterisk sees it, one sub-folder per language
 *                            ({@code telephony.soundsDir}, default /loket/sounds)
 * @param callbackEndpoint    PJSIP endpoint (trunk) callbacks are dialled through ({@code telephony.callbackEndpoint},
 *                            default loket-callback)
 * @param callbackFolder      where the numbers of callers waiting for a callback are kept across a restart
 *                            ({@code telephony.callbackFolder}; default {@code callbacks} in the journal's folder of files;
 *                            null: memory only, a restart loses them)
 * @param lastAgentMinutes    a caller who calls again within this long after talking to an agent names that
 *                            agent as preferred ({@code telephony.lastAgentMinutes}, default 60; 0 = never): the
 *                            queue's {@code preferredAgentSeconds} says how long the call then waits for them
 * @param callbackNumbers     the caller numbers Loket offers a callback to and dials back ({@code telephony.callbackNumbers},
 *                            a regular expression the whole number must match; default {@value #DUTCH_NUMBERS}: Dutch
 *                            geographic, mobile and 084/085/087/088 numbers, not 0800/090x nor abroad). The caller ID
 *                            is the caller's to set: a callback dials it, so an open pattern would let anyone have
 *                            Loket ring premium or foreign numbers (toll fraud), or put Dial options in it
 * @param agiAllow            the addresses FastAGI connections are taken from ({@code telephony.agi.allow}, comma-separated
 *                            addresses or host names, resolved at start; default: loopback and {@code telephony.ami.host},
 *                            the Asterisk Loket talks to). A FastAGI request names its caller and entry itself, so
 *                            anyone who reaches the port could make journaled calls; others are closed and counted
 * @param monitoringLog       where supervisors' monitoring of agents' calls is recorded, attempt by attempt
 *                            ({@code telephony.monitoringLog}; default {@code monitoring.csv} in the journal's folder of files;
 *                            null: the process log only)
 * @param monitoringLogRetentionDays days a month of the monitoring log is kept after the month ended, as the
 *                            operators' audit ({@code loket run --audit-retention-days}, which sets
 *                            {@value org.loket.host.audit.OperatorAudit#RETENTION_DAYS_SETTING}); 0 keeps every month
 */
public record TelephonySettings(String agiBind, int agiPort, String amiHost, int amiPort, String amiUser,
                                Path amiSecretFile, Path pseudonymKeyFile, long engineTimeoutMs, int waitPollMs, int holdCheckMs,
                                long announceEveryMs, String callbackDigit, String soundsDir, String callbackEndpoint,
                                long lastAgentMinutes, Path callbackFolder, Path monitoringLog, Pattern callbackNumbers,
                                Set<InetAddress> agiAllow, int monitoringLogRetentionDays) {

    static final String PREFIX = "telephony.";

    /**
     * The default of {@link #callbackNumbers}: 0, +31 or 0031, then nine digits of an area (01-05, 07),
     * mobile (06) or 084/085/087/088 number; never 0800/090x (free and premium lines) nor 082/0970.
     */
    static final String DUTCH_NUMBERS = "(0|\\+31|0031)([1-7][0-9]|8[4578])[0-9]{7}";

    /** Every key {@link #from} and the provider read. */
    static final java.util.Set<String> KEYS = java.util.stream.Stream.of("enabled", "agi.bind", "agi.port", "ami.host", "ami.port",
                    "ami.user", "ami.secretFile", "pseudonymKeyFile", "engineTimeoutMs", "waitPollMs", "holdCheckMs", "announceEveryMs",
                    "callbackDigit", "soundsDir", "callbackEndpoint", "lastAgentMinutes", "callbackFolder", "monitoringLog",
                    "callbackNumbers", "agi.allow")
            .map(key -> PREFIX + key).collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** Whether a caller on {@code number} is offered a callback: this site offers them and the number is one it dials back. */
    boolean mayCallBack(String number) {
        return !callbackDigit.isEmpty() && number != null && callbackNumbers.matcher(number).matches();
    }

    /** {@link #lastAgentMinutes} in ms. */
    long lastAgentMs() {
        return lastAgentMinutes * 60_000L;
    }

    /** @throws IllegalArgumentException naming the setting, its value and what would be valid */
    public static TelephonySettings from(Map<String, String> settings) {
        String secret = settings.get(PREFIX + "ami.secretFile");
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("telephony.ami.secretFile is required: a file holding the AMI secret "
                    + "(the one 'loket asterisk-config' wrote to manager.conf)");
        }
        String key = settings.get(PREFIX + "pseudonymKeyFile");
        String digit = settings.getOrDefault(PREFIX + "callbackDigit", "1");
        if (!digit.isEmpty() && !digit.matches("[0-9*#]")) {
            throw new IllegalArgumentException("telephony.callbackDigit='" + digit + "': one of 0-9, * or #, or empty for none");
        }
        String numbers = settings.getOrDefault(PREFIX + "callbackNumbers", DUTCH_NUMBERS);
        Pattern callbackNumbers;
        try {
            callbackNumbers = Pattern.compile(numbers);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("telephony.callbackNumbers='" + numbers + "': not a regular expression ("
                    + e.getDescription() + " at index " + e.getIndex() + ")");
        }
        String amiHost = settings.getOrDefault(PREFIX + "ami.host", "127.0.0.1");
        Set<InetAddress> agiAllow = agiAllow(settings.get(PREFIX + "agi.allow"), amiHost);
        return new TelephonySettings(settings.getOrDefault(PREFIX + "agi.bind", "127.0.0.1"),
                (int) number(settings, "agi.port", 4573, 1, 65535),
                amiHost,
                (int) number(settings, "ami.port", 5038, 1, 65535),
                settings.getOrDefault(PREFIX + "ami.user", "loket"),
                Path.of(secret), key == null || key.isBlank() ? null : Path.of(key),
                number(settings, "engineTimeoutMs", 2000, 50, 60_000),
                (int) number(settings, "waitPollMs", 100, 10, 5_000),
                (int) number(settings, "holdCheckMs", 5_000, 100, 600_000),
                number(settings, "announceEveryMs", 30_000, 0, 3_600_000),
                digit,
                settings.getOrDefault(PREFIX + "soundsDir", "/loket/sounds"),
                settings.getOrDefault(PREFIX + "callbackEndpoint", "loket-callback"),
                number(settings, "lastAgentMinutes", 60, 0, 7 * 24 * 60),
                besideJournal(settings, "callbackFolder", "callbacks"),
                besideJournal(settings, "monitoringLog", "monitoring.csv"),
                callbackNumbers, agiAllow, auditRetentionDays(settings));
    }

    /** The operators' audit's retention, which {@code loket run} passes on (0 = keep every month, also without it). */
    private static int auditRetentionDays(Map<String, String> settings) {
        String days = settings.getOrDefault(org.loket.host.audit.OperatorAudit.RETENTION_DAYS_SETTING, "0");
        try {
            return Math.max(0, Integer.parseInt(days.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(org.loket.host.audit.OperatorAudit.RETENTION_DAYS_SETTING + "='" + days
                    + "': a whole number of days (0 keeps every month)");
        }
    }

    /** Whether a FastAGI connection from {@code address} is taken. */
    boolean agiAllows(InetAddress address) {
        return agiAllow.contains(address);
    }

    /** {@code telephony.agi.allow}'s addresses; when unset, loopback and the AMI host's. */
    private static Set<InetAddress> agiAllow(String listed, String amiHost) {
        Set<InetAddress> allowed = new LinkedHashSet<>();
        boolean given = listed != null && !listed.isBlank();
        for (String host : (given ? listed : amiHost + ",127.0.0.1,::1").split(",")) {
            if (host.isBlank()) {
                continue;
            }
            try {
                allowed.addAll(List.of(InetAddress.getAllByName(host.strip())));
            } catch (UnknownHostException e) {
                if (given) {
                    throw new IllegalArgumentException("telephony.agi.allow='" + host.strip()
                            + "': no such host; list the addresses or names Asterisk connects from");
                } // the AMI host unknown now: its link says so and retries; FastAGI then takes loopback only
            }
        }
        return Set.copyOf(allowed);
    }

    /** {@code telephony.KEY}, else {@code name} in the journal's folder of files ({@link JournalFiles}), else none. */
    private static Path besideJournal(Map<String, String> settings, String key, String name) {
        String given = settings.get(PREFIX + key);
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        String journal = settings.get("loket.journal");
        return journal == null ? null : JournalFiles.of(Path.of(journal), name);
    }

    /**
     * The files kept in the journal's folder of files with these settings (those no setting places
     * elsewhere), the monitoring log's months set aside included:
     * {@link org.loket.host.gateway.GatewayProvider#filesKeptForJournal}.
     */
    static java.util.List<String> filesKeptForJournal(Map<String, String> settings) {
        java.util.List<String> kept = new java.util.ArrayList<>();
        if (settings.getOrDefault(PREFIX + "callbackFolder", "").isBlank()) {
            kept.add("callbacks");
        }
        if (settings.getOrDefault(PREFIX + "monitoringLog", "").isBlank()) {
            kept.addAll(java.util.List.of("monitoring.csv", "monitoring-*.csv"));
        }
        return kept;
    }

    private static long number(Map<String, String> settings, String key, long defaultValue, long min, long max) {
        String text = settings.get(PREFIX + key);
        if (text == null) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("telephony." + key + "='" + text + "': a whole number from " + min + " to " + max);
    }
}
