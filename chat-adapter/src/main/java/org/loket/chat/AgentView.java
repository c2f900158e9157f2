package org.loket.chat;

import java.util.LinkedHashSet;
import java.util.Set;
import org.loket.core.AgentState;
import org.loket.core.PauseReason;
import org.loket.core.command.CommandType;

/** One agent of the roster. Hub thread only. */
final class AgentView {
    /** Index in the configuration in force; moves on a reload (names do not). */
    int id;
    final String name;
    int presence = AgentState.LOGGED_OUT.code();
    int reason = PauseReason.UNSPECIFIED;
    final Set<Long> held = new LinkedHashSet<>();
    Peer desktop;
    /**
     * The session (token hash) whose desktop asked to log the agent out, until the logout took
     * effect (the session then ends: {@link AgentSessions#presenceShown}) or the agent works on; else null.
     */
    String signingOut;
    /**
     * The supervisor who logged the agent out on the wallboard, until that logout took effect
     * (at once, or after the agent's last contact); else null (none, or it came from the phone or
     * the admin API, whose commands do not say where they came from, or before a restart). The
     * agent's desktop sessions end saying so ({@link AgentSessions#presenceShown}).
     */
    String loggedOutBy;
    /**
     * The core offers the agent no calls ({@code AGENT_CHANNEL_SET} voice off: its phone stopped
     * answering, {@link org.loket.core.command.Command#PHONE_UNREACHABLE}), until it is switched on
     * again; the agent's presence and chats are untouched, and the desktop says why no calls come
     * ({@link Desks#sendState}).
     */
    boolean voiceOff;
    int shown = AgentState.LOGGED_OUT.code();
    long shownSinceMs = System.currentTimeMillis();
    /**
     * The hub's own mirrored commands for this agent not yet back from the engine: the hub applied
     * them when it published them, so {@link Desks#mirror} skips as many (see there).
     */
    int ownInFlight;
    /**
     * The agent's presence and pause reason as the core has them after the last command (or
     * {@code AGENT_STATE}) the hub followed, in journal order, refused commands changing nothing.
     * {@link #presence} runs ahead of it while the hub's own commands are in flight and falls back
     * to it once they are all back ({@link Desks#mirror}): that is how a refused one is undone.
     */
    int corePresence = AgentState.LOGGED_OUT.code();
    int coreReason = PauseReason.UNSPECIFIED;

    AgentView(int id, String name) {
        this.id = id;
        this.name = name;
    }

    /**
     * The agent (or its supervisor, a phone, the admin API) logged it out while it still held
     * contacts: the core paused it (no new work) and logs it out once the last one is done.
     */
    boolean logoutPending() {
        return presence == AgentState.PAUSED.code() && reason == PauseReason.LOGOUT_PENDING;
    }

    /** Agents' commands whose effect the hub shows: {@link Desks#mirror}. */
    static boolean mirrored(CommandType type) {
        return switch (type) {
            case AGENT_LOGGED_IN, AGENT_STATE_CHANGED, OFFER_ACCEPTED, OFFER_DECLINED, WRAP_UP_DONE -> true;
            default -> false;
        };
    }
}
