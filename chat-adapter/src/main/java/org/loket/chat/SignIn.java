package org.loket.chat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.loket.host.audit.OperatorAudit;

/**
 * Agents' and supervisors' sign-in: the secret from {@code chat.agent-secrets-file}, compared in
 * constant time, behind the {@link CredentialGuard}'s lockout (a lockout is audited); three wrong
 * credentials on one connection close it. Hub thread.
 */
final class SignIn {
    private final HubState hub;
    private final CredentialGuard guard;
    /** Where supervisors' sign-ins and actions on the wallboard are recorded, with their names. */
    private final OperatorAudit audit;

    SignIn(HubState hub, OperatorAudit audit) {
        this.hub = hub;
        this.audit = audit;
        this.guard = new CredentialGuard(hub.settings.lockoutFailures(), hub.settings.lockoutMinutes() * 60_000L);
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
     * Checks an agent's or supervisor's name and secret (from {@code chat.agent-secrets-file}),
     * through the {@link CredentialGuard}: a name of the configuration that had too many wrong
     * secrets lately is refused without a check, and the wrong secret that locks it is audited.
     *
     * @param known whether the name is an agent (desktop) or supervisor (wallboard) of the configuration
     * @return whether the peer may go on as {@code name}; if not, it was answered
     */
    boolean check(Peer peer, String via, String name, boolean known, String secret, String refusalCode, String refusal) {
        if (known && guard.locked(name)) {
            hub.counters.authFailures.increment();
            peer.send(hub.error("locked", "Too many wrong secrets for '" + name + "': try again in " + guard.lockMinutes() + " minutes.")
                    .toString());
            return false;
        }
        if (!known || !secretMatches(hub.settings.agentSecrets().get(name), secret)) {
            if (known && guard.failed(name)) {
                hub.counters.authLockouts.increment();
                audit.record(via, name, "locked-out", "", hub.settings.lockoutFailures() + " wrong secrets in " + guard.lockMinutes() + " minutes");
            }
            refuse(peer, refusalCode, refusal);
            return false;
        }
        guard.succeeded(name);
        return true;
    }

    /** Counts and answers a wrong credential; the third on one connection closes it (1008). */
    void refuse(Peer peer, String code, String message) {
        hub.counters.authFailures.increment();
        peer.send(hub.error(code, message).toString());
        if (++peer.authFailures >= 3) {
            peer.close(1008, "too many failed attempts");
        }
    }
}
