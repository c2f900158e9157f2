package org.loket.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** One contact as the gateway sees it. Hub thread only. */
final class Conversation {
    static final int MAX_TRANSCRIPT_LINES = 500;

    enum Phase { SELF_SERVICE, WAITING, OFFERED, CONNECTED, WRAP_UP, ENDED }

    /**
     * One transcript line.
     *
     * @param from  who wrote it: citizen, bot, agent, system or notice
     * @param agent the agent's name on an agent's line (an introduction has two), else null
     */
    record Line(String from, String text, long atMs, String agent) {
    }

    final long id;
    /** Channel code, or -1 for a contact another gateway created and that was never queued here. */
    int channel;
    /** Created by this gateway (a web chat or a work item). */
    final boolean ours;
    Phase phase = Phase.SELF_SERVICE;
    int queue = -1;
    int priority;
    long joinedNs = -1;
    long rankNs;
    int agent = -1;
    int language;
    int outcome = -1;
    /** The menu last presented and the input the citizen chose there (this gateway's contacts only). */
    int node = -1;
    int lastInput = -1;
    final List<String> path = new ArrayList<>(4);
    String topic;
    List<Line> transcript;
    List<String> notes;
    /**
     * Notes of the transfers this hub asked for, in the order asked: each is kept when the core
     * transfers, dropped when it refuses (the core answers in the same order).
     */
    ArrayDeque<String> pendingNotes;
    /**
     * The agent who transferred the conversation warmly and stays with the citizen (reads and
     * writes) until the core releases them ({@code TRANSFER_RELEASED}); -1 otherwise.
     */
    int stayingAgent = -1;
    /** That warm transfer introduces (its offer said so): once accepted, the agent who took it may leave it back to {@link #stayingAgent}. */
    boolean introducing;
    /**
     * The agent whose accept the hub published and the core has not answered yet, else -1: the
     * citizen hears "agent joined" (and that agent's first lines) only once the core took it, since
     * an offer that timed out meanwhile is refused ({@link ContactActions#acceptAnswered}).
     */
    int joiningAgent = -1;
    /** That agent's lines written before the core's answer, sent on to the citizen once it took the accept. */
    List<String> heldAgentLines;
    ObjectNode lastPrompt;
    Peer citizen;
    /** SHA-256 of the resume token (the token itself is only ever with the citizen), or null once they left. */
    String tokenHash;
    long expiresMs;
    /** When the citizen last did something (started, chose, wrote, came back): the chatbot's idle clock. */
    long lastCitizenMs;
    long endedMs = -1;
    /** Core time of the END_CONTACT decision. */
    long endedNs = -1;
    int position = -1;
    long ewtSeconds = -1;
    /** The core's estimated wait when it queued (ms, -1 unknown) and the core time it said so. */
    long coreEstimateMs = -1;
    long coreEstimateAtNs;
    long lastOfferNs = -1;
    /** An escalation step offered a reply later; the citizen asked for one (the core scheduled it). */
    boolean callbackOffered;
    boolean callback;
    /** Where the citizen wants the reply, or null; memory only, like the transcript. */
    String replyTo;
    // work items
    String externalId;
    String from;
    String subject;
    String body;

    /** Where this gateway's conversations are kept durably; null for other gateways' contacts (no texts of ours). */
    TranscriptStore store;

    Conversation(long id, int channel, boolean ours) {
        this.id = id;
        this.channel = channel;
        this.ours = ours;
    }

    void say(String who, String text) {
        say(who, text, null);
    }

    /** An agent's line, with the agent's name: in an introduction two agents write. */
    void sayAsAgent(String agentName, String text) {
        say("agent", text, agentName);
    }

    private void say(String who, String text, String agentName) {
        if (transcript == null) {
            transcript = new ArrayList<>();
        }
        if (transcript.size() < MAX_TRANSCRIPT_LINES) {
            Line line = new Line(who, text, System.currentTimeMillis(), agentName);
            transcript.add(line);
            if (store != null) {
                store.append(TranscriptStore.Entry.line(id, who, text, line.atMs(), agentName));
            }
        }
    }

    /** Keeps a fact of the conversation on disk (this gateway's conversations only). */
    void record(TranscriptStore.Kind kind, String text, long value) {
        if (store != null) {
            store.append(TranscriptStore.Entry.of(id, kind, text, value, System.currentTimeMillis()));
        }
    }
}
