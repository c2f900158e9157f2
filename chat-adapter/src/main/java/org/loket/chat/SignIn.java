package org.loket.chat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.loket.host.audit.OperatorAudit;

/**
 * Agents' and supervisors' sign-in: the secret from {@code chat.agent-secrets-file}, compared in
 * constant time, behind the {@link CredentialGuard}'s lockout per name and address (a lockout of a
 * name of the configuration is audited); three wrong credentials on one connection close it. A name
 * nobody has is answered as a wrong secret is, counted and locked alike, so the answers never tell
 * which names exist. Hub thread, but for {@link #audited}.
 */
final class SignIn {
    /** What a name and secret come to. */
    enum Verdict { ACCEPTED, REFUSED, LOCKED }

    /** The audit's {@code via} of what concerns all of the chat server's sign-ins (an address locked out of every name). */
    static final String VIA_CHAT = "chat";
    /** The audit's {@code via} of the chat server's HTTP API (transcripts). */
    static final String VIA_API = "chat-api";
    /** Wrong credentials on one connection after which it is closed (a WebSocket with 1008, an HTTP connection after the answer). */
    static final int MAX_FAILURES_PER_CONNECTION = 3;
    /** What a name without a secret is compared with, so that it costs what a name with one does. */
    private static final String NOBODYS_SECRET = Citizens.newToken();

    private final HubState hub;
    private final CredentialGuard guard;
    /** Where supervisors' sign-ins and actions on the wallboard are recorded, with their names. */
    private final OperatorAudit audit;
    /**
     * Writes this class's audit lines (lockouts, transcript reads and refusals) one after the other,
     * off the hub thread: a synced write would otherwise make the answer to a name of the
     * configuration slower than to a name of nobody's, and hold up the chat meanwhile.
     */
    private final ExecutorService auditWriter = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("chat-audit").factory());

    SignIn(HubState hub, OperatorAudit audit) {
        this.hub = hub;
        this.audit = audit;
        // An address locked out of every name is audited once, as the chat server's (desktop, wallboard, chat-api alike).
        this.guard = new CredentialGuard(hub.settings.lockoutFailures(), hub.settings.lockoutAddressFailures(),
                hub.settings.lockoutMinutes() * 60_000L, address -> audited(VIA_CHAT, address, "address-locked-out", "",
                        hub.settings.lockoutAddressFailures() + " wrong secrets or tokens for any names in " + hub.settings.lockoutMinutes()
                                + " minutes"));
    }

    /** The lockout (tests set its clock). */
    CredentialGuard guard() {
        return guard;
    }

    /** Constant-time comparison; an unset secret matches nothing. */
    static boolean secretMatches(String expected, String given) {
        return expected != null && given != null
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Checks a name and secret (from {@code chat.agent-secrets-file}) through the {@link CredentialGuard}:
     * a name that had too many wrong secrets from {@code address} lately is refused from there without
     * a check; the wrong secret that locks a name of the configuration is audited.
     *
     * @param via   the interface, for the audit: {@code desktop}, {@code wallboard}, {@link #VIA_API}
     * @param known whether the name is one that may sign in there (an agent on the desktop, a supervisor on the wallboard)
     */
    Verdict verify(String via, String address, String name, boolean known, String secret) {
        String expected = known ? hub.settings.agentSecrets().get(name) : null;
        switch (guard.attempt(name, address, () -> secretMatches(expected == null ? NOBODYS_SECRET : expected, secret) && expected != null,
                hub.counters)) {
            case ACCEPTED -> {
                return Verdict.ACCEPTED;
            }
            case LOCKED -> {
                return Verdict.LOCKED;
            }
            case REFUSED_AND_LOCKED -> {
                if (known) {
                    audited(via, name, "locked-out", "", hub.settings.lockoutFailures() + " wrong secrets in " + guard.lockMinutes()
                            + " minutes from " + address);
                }
                return Verdict.REFUSED;
            }
            default -> {
                return Verdict.REFUSED;
            }
        }
    }

    /**
     * A desktop's login or a wallboard's sign-in: {@link #verify}, and a refusal answered.
     *
     * @return whether the peer may go on as {@code name}; if not, it was answered
     */
    boolean check(Peer peer, String via, String name, boolean known, String secret, String refusalCode, String refusal) {
        switch (verify(via, peer.address, name, known, secret)) {
            case ACCEPTED -> {
                return true;
            }
            case LOCKED -> refuse(peer, "locked", lockedMessage(name, peer.address));
            case REFUSED -> refuse(peer, refusalCode, refusal);
        }
        return false;
    }

    /** The answer to a name locked for the address, whoever's the name is, or to an address locked out of every name. */
    String lockedMessage(String name, String address) {
        return guard.addressLocked(address) ? "Too many wrong secrets from your address: try again in " + guard.lockMinutes() + " minutes."
                : "Too many wrong secrets for '" + name + "' from your address: try again in " + guard.lockMinutes() + " minutes.";
    }

    /**
     * Whether {@code name} may read the transcript of {@code contact}: a supervisor of the configuration
     * with its secret, through the same lockout as the wallboard's sign-in. A supervisor's name refused
     * for a wrong secret is audited (one locked out was, when it locked; the attempts while locked are
     * counted only, as they cost nothing to make).
     */
    Verdict transcriptReader(String name, String secret, String address, long contact) {
        boolean known = hub.wallboard.isSupervisor(name);
        Verdict verdict = verify(VIA_API, address, name, known, secret);
        if (known && verdict == Verdict.REFUSED) {
            audited(VIA_API, name, "transcript-read", Long.toString(contact), "refused: wrong secret from " + address);
        }
        return verdict;
    }

    /** Counts and answers a wrong credential; the third on one connection closes it (1008). */
    void refuse(Peer peer, String code, String message) {
        hub.counters.authFailures.increment();
        peer.send(hub.error(code, message).toString());
        if (++peer.authFailures >= MAX_FAILURES_PER_CONNECTION) {
            hub.counters.authClosed.increment();
            peer.close(1008, "too many failed attempts");
        }
    }

    /** Any thread: writes an audit line on this class's writer; done when it is on disk. */
    CompletableFuture<Void> audited(String via, String actor, String action, String target, String detail) {
        return CompletableFuture.runAsync(() -> audit.record(via, actor, action, target, detail), auditWriter);
    }

    /** Writes the audit lines handed over so far (the hub has stopped). */
    void close() {
        auditWriter.shutdown();
        try {
            auditWriter.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
