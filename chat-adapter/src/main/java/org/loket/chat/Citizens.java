package org.loket.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.loket.chat.Conversation.Line;
import org.loket.chat.Conversation.Phase;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.FlowNode;
import org.loket.core.decision.Outcome;
import org.loket.host.gateway.Pseudonyms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The citizens' side of the hub: web chats (start, resume with a token, the chatbot's choices,
 * messages, leaving, asking to be contacted later), e-mail and social-media work items from the
 * gateways' API, the chatbot's frames, and each waiting citizen's position and estimated wait.
 * Hub thread.
 */
final class Citizens {
    private static final Logger LOG = LoggerFactory.getLogger(Citizens.class);

    /** How long an ended conversation stays resumable (to read the last messages) at most. */
    private static final long ENDED_KEEP_MS = 60_000;

    private static final Map<String, String> HINT = Map.of(
            "nl", "Kies een van de knoppen hierboven (klik erop of typ wat erop staat), of kies de optie voor een medewerker.",
            "en", "Please choose one of the buttons above (click it or type what it says), or the option to talk to a person.");

    /** What the chatbot says when it closes a conversation the citizen left idle ({@code %d}: minutes). */
    private static final Map<String, String> IDLE_CLOSED = Map.of(
            "nl", "We hebben %d minuten niets van u gehoord en sluiten deze chat. U kunt altijd een nieuwe chat beginnen.",
            "en", "We have not heard from you for %d minutes and are closing this chat. You can start a new chat at any time.");

    /** Longest e-mail address a citizen may give for a reply (RFC 5321's path limit). */
    static final int MAX_EMAIL_CHARS = 254;

    private static final Comparator<Conversation> QUEUE_ORDER = Comparator.<Conversation>comparingLong(c -> c.rankNs)
            .thenComparingLong(c -> c.joinedNs).thenComparingLong(c -> c.id);

    private static final SecureRandom RANDOM = new SecureRandom();

    /** New web chats over all connections: {@code chat.starts-per-second}, with a burst of ten seconds' worth. */
    private final TokenBucket starts;

    private final HubState hub;
    /** Work items' senders as the journal knows them ({@code Command.citizenPseudonym}). */
    private final Pseudonyms pseudonyms;
    private long nextContactId;

    Citizens(HubState hub) {
        this.hub = hub;
        this.starts = new TokenBucket(hub.settings.startsPerSecond() * 10.0);
        try {
            this.pseudonyms = Pseudonyms.load(hub.settings.pseudonymKeyFile(), "chat.pseudonym-key-file");
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("chat.pseudonym-key-file: " + e.getMessage(), e);
        }
        if (hub.settings.pseudonymKeyFile() == null) {
            LOG.warn("chat.pseudonym-key-file not set: work items' sender pseudonyms use a random key of this process");
        }
        // Ids apart from other gateways' (bit 62) and from this gateway's earlier runs (start time):
        // 1,024 ids per millisecond of uptime before a later run's range is reached.
        nextContactId = (1L << 62) + System.currentTimeMillis() * 1024L;
    }

    /** The citizen's connection closed: the conversation waits {@code chat.resume-seconds} for them. */
    void closed(Peer peer) {
        Conversation c = peer.conversation;
        if (c != null && c.citizen == peer) {
            c.citizen = null;
            c.expiresMs = System.currentTimeMillis() + hub.settings.resumeSeconds() * 1000L;
            tellAgentsPresence(c);
        }
    }

    /**
     * The agents offered or holding the chat (and one who stays through a warm transfer) see whether
     * the citizen's page is connected: one that is gone may come back within {@code chat.resume-seconds}.
     */
    private void tellAgentsPresence(Conversation c) {
        if (c.phase != Phase.OFFERED && c.phase != Phase.CONNECTED) {
            return;
        }
        for (int agent : new int[] {c.agent, c.stayingAgent}) {
            if (agent >= 0) {
                hub.sendToDesktop(agent, hub.json.createObjectNode().put("type", "citizen-presence").put("contact", Long.toString(c.id))
                        .put("online", c.citizen != null));
            }
        }
    }

    // ------------------------------------------------------------------ web chat

    /** A citizen's frame: start, resume, ping, choose (a menu button), message, leave, callback. */
    void onFrame(Peer peer, String type, JsonNode frame) {
        Conversation c = peer.conversation;
        if (c != null && !type.equals("ping")) {
            c.lastCitizenMs = System.currentTimeMillis(); // the page pings by itself; anything else is the citizen
        }
        switch (type) {
            case "start" -> startChat(peer, frame.path("language").asText(""));
            case "resume" -> {
                String token = hub.text(peer, frame, "token");
                if (token != null) {
                    resume(peer, token);
                }
            }
            case "ping" -> peer.send("{\"type\":\"pong\"}");
            case "choose" -> {
                JsonNode input = frame.get("input");
                if (c == null || input == null || !input.canConvertToInt() || input.asInt() < 0 || input.asInt() >= FlowNode.INPUTS) {
                    hub.malformed(peer, "choose needs a started chat and an input 0.." + (FlowNode.INPUTS - 1));
                    return;
                }
                if (c.phase != Phase.SELF_SERVICE) {
                    hub.tell(peer, CitizenError.NO_CHOICE_NOW);
                    return;
                }
                c.say("citizen", shownLabel(c.lastPrompt, input.asInt())); // the button's words as we showed them, not the page's
                choose(peer, c, input.asInt());
            }
            case "message" -> {
                String text = hub.text(peer, frame, "text");
                if (text == null) {
                    return;
                }
                if (c == null) {
                    hub.malformed(peer, "start the chat first");
                    return;
                }
                c.say("citizen", text);
                int typedChoice = c.phase == Phase.SELF_SERVICE && c.stayingAgent < 0 ? typedChoice(c.lastPrompt, text) : -1;
                if (typedChoice >= 0) {
                    choose(peer, c, typedChoice); // typed instead of clicked, as many citizens do
                    return;
                }
                // The agent in the conversation, and the one who stays after a warm transfer (both during an introduction).
                int reader = c.phase == Phase.CONNECTED && c.agent >= 0 ? c.agent : -1;
                for (int agent : new int[] {reader, c.stayingAgent}) {
                    if (agent >= 0) {
                        hub.sendToDesktop(agent, hub.json.createObjectNode().put("type", "message").put("contact", Long.toString(c.id))
                                .put("from", "citizen").put("text", text));
                    }
                }
                if (reader < 0 && c.stayingAgent < 0 && c.phase == Phase.SELF_SERVICE) {
                    String hint = HINT.getOrDefault(hub.languageCode(c.language), HINT.get("en"));
                    c.say("bot", hint);
                    peer.send(hub.textFrame("bot", hint, c.language).toString());
                }
            }
            case "leave" -> {
                if (c != null) {
                    citizenLeft(c);
                }
            }
            case "callback" -> {
                if (c == null) {
                    hub.malformed(peer, "start the chat first");
                    return;
                }
                String email = frame.path("email").asText("").strip();
                if (email.length() > MAX_EMAIL_CHARS || !email.isEmpty() && !email.matches("[^@\\s]+@[^@\\s]+")) {
                    hub.malformed(peer, "email must be an address of at most " + MAX_EMAIL_CHARS + " characters, or left out");
                    return;
                }
                if (c.phase != Phase.WAITING || !c.callbackOffered || c.callback) {
                    hub.tell(peer, CitizenError.NO_CALLBACK_NOW);
                    return;
                }
                c.replyTo = email.isEmpty() ? null : email;
                if (c.replyTo != null) {
                    c.record(TranscriptStore.Kind.REPLY_TO, c.replyTo, 0);
                }
                c.say("citizen", email.isEmpty() ? "please get back to me" : "please reply by e-mail");
                if (hub.publish(hub.command(CommandType.CALLBACK_REQUESTED, c.id, Command.NONE), peer)) {
                    hub.counters.callbacksRequested.increment();
                }
            }
            default -> hub.malformed(peer, "unknown type '" + type + "'");
        }
    }

    /** The citizen's choice in the menu shown: the core takes it; the menu is answered (a second typed choice waits for the next). */
    private void choose(Peer peer, Conversation c, int input) {
        c.lastInput = input;
        c.lastPrompt = null;
        Command o = hub.command(CommandType.SELF_SERVICE_INPUT, c.id, Command.NONE);
        o.input = input;
        hub.publish(o, peer);
    }

    /**
     * The menu option a citizen typed instead of clicking, or -1: its key (the phone's digit, which
     * callers know), its button's words (case, punctuation and spaces aside), or words of
     * at least three letters found in that one button only ("medewerker" for "Een medewerker
     * spreken"). Words found in several buttons choose none: the bot's hint names the buttons.
     *
     * @param menu the bot's last menu frame ({@link #botFrame}), or null
     */
    static int typedChoice(ObjectNode menu, String text) {
        if (menu == null || !menu.has("options")) {
            return -1;
        }
        String typed = words(text);
        if (typed.isEmpty()) {
            return -1;
        }
        int found = -1;
        for (JsonNode option : menu.path("options")) {
            String label = words(option.path("label").asText(""));
            if (typed.equals(option.path("key").asText()) || typed.equals(label)) {
                return option.path("input").asInt();
            }
            if (typed.length() >= 3 && (" " + label + " ").contains(" " + typed + " ")) {
                if (found >= 0) {
                    return -1;
                }
                found = option.path("input").asInt();
            }
        }
        return found;
    }

    /** The label of {@code menu}'s button for {@code input}, or the input's key when that menu showed none. */
    private static String shownLabel(ObjectNode menu, int input) {
        if (menu != null) {
            for (JsonNode option : menu.path("options")) {
                if (option.path("input").asInt() == input) {
                    return option.path("label").asText();
                }
            }
        }
        return FlowNode.inputName(input);
    }

    /** Lower case, punctuation dropped (keys '*' and '#' kept), single spaces: how a typed choice is compared. */
    private static String words(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}*#]+", " ").strip();
    }

    private void startChat(Peer peer, String language) {
        if (peer.conversation != null && peer.conversation.phase != Phase.ENDED) {
            hub.tell(peer, CitizenError.ALREADY_STARTED);
            return;
        }
        if (!starts.take(hub.settings.startsPerSecond(), hub.settings.startsPerSecond() * 10.0) || liveWebChats() >= hub.settings.maxLiveChats()) {
            // Not a contact yet (nothing journaled): the page says so and the citizen may try again or call.
            hub.counters.chatsRefusedBusy.increment();
            hub.tell(peer, CitizenError.BUSY);
            return;
        }
        long id = nextContactId++;
        int languageId = hub.routing.languages().indexOf(language);
        Command o = hub.command(CommandType.CONTACT_ARRIVED, id, Command.NONE);
        o.channel = Channel.CHAT.code();
        o.entryId = hub.chatEntry;
        o.languageId = languageId;
        if (!hub.publish(o, peer)) {
            return;
        }
        hub.counters.conversationsStarted.increment();
        Conversation c = new Conversation(id, Channel.CHAT.code(), true);
        c.language = Math.max(0, languageId);
        String token = newToken();
        c.tokenHash = tokenHash(token);
        c.citizen = peer;
        c.lastCitizenMs = System.currentTimeMillis();
        c.store = hub.store;
        peer.conversation = c;
        hub.languageKnown(c);
        hub.conversations.put(id, c);
        hub.byToken.put(c.tokenHash, c);
        hub.store.append(new TranscriptStore.Entry(id, TranscriptStore.Kind.OPENED, System.currentTimeMillis(), 0,
                HubState.channelName(Channel.CHAT.code()), c.tokenHash, null, null, null));
        peer.send(hub.json.createObjectNode().put("type", "session").put("token", token)
                .put("expiresInSeconds", hub.settings.resumeSeconds()).put("language", hub.languageCode(c.language)).toString());
    }

    /** This gateway's web chats not ended: with the bot, waiting, with an agent, or gone but still resumable. */
    private int liveWebChats() {
        int live = 0;
        for (Conversation c : hub.conversations.values()) {
            if (c.ours && c.channel == Channel.CHAT.code() && c.phase != Phase.ENDED) {
                live++;
            }
        }
        return live;
    }

    private void resume(Peer peer, String token) {
        Conversation c = hub.byToken.get(tokenHash(token));
        long now = System.currentTimeMillis();
        if (c == null || (c.citizen == null && c.expiresMs < now)) {
            hub.counters.resumeRefused.increment();
            hub.tell(peer, CitizenError.RESUME_REFUSED);
            return;
        }
        if (c.citizen != null && c.citizen != peer) {
            hub.tell(c.citizen, CitizenError.REPLACED);
            c.citizen.conversation = null;
            c.citizen.language = null;
        }
        hub.counters.resumed.increment();
        boolean wasAway = c.citizen == null;
        c.citizen = peer;
        c.lastCitizenMs = now;
        peer.conversation = c;
        hub.languageKnown(c);
        if (wasAway) {
            tellAgentsPresence(c);
        }
        ObjectNode session = hub.json.createObjectNode().put("type", "session").put("token", token).put("resumed", true)
                .put("expiresInSeconds", hub.settings.resumeSeconds()).put("phase", c.phase.name().toLowerCase(Locale.ROOT))
                .put("language", hub.languageCode(c.language));
        ArrayNode lines = session.putArray("transcript");
        if (c.transcript != null) {
            for (Line line : c.transcript) {
                lines.addObject().put("from", line.from()).put("text", line.text());
            }
        }
        peer.send(session.toString());
        if (c.phase == Phase.SELF_SERVICE && c.lastPrompt != null) {
            peer.send(c.lastPrompt.toString());
        } else if (c.phase == Phase.WAITING || c.phase == Phase.OFFERED) {
            c.position = -1;
            sendPosition(c);
        } else if (c.phase == Phase.ENDED || c.phase == Phase.WRAP_UP) {
            peer.send(hub.json.createObjectNode().put("type", "ended").put("outcome", Outcome.name(c.outcome)).toString());
        }
    }

    /** The citizen left (said so, or did not come back in time). */
    private void citizenLeft(Conversation c) {
        switch (c.phase) {
            case SELF_SERVICE, WAITING, OFFERED -> {
                if (!c.callback) { // a citizen who asked to be contacted later keeps the place
                    hub.publish(hub.command(CommandType.CONTACT_ABANDONED, c.id, Command.NONE), null);
                }
            }
            case CONNECTED -> {
                c.say("system", "citizen left");
                hub.publish(hub.command(CommandType.CONTACT_ENDED, c.id, Command.NONE), null);
            }
            default -> { }
        }
        if (c.tokenHash != null) {
            hub.byToken.remove(c.tokenHash);
            c.tokenHash = null;
        }
    }

    /** The resume token as the hub keeps it (and the transcript store keeps it): SHA-256, base64url. */
    static String tokenHash(String token) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A bearer token (144 random bits, base64url): a citizen's resume token, a supervisor's session on the wallboard. */
    static String newToken() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    // ------------------------------------------------------------------ work items

    /**
     * The answer to a work item: Loket's id of it, and whether Loket already had it (a repeated post
     * of the same {@code channel} and {@code externalId}: nothing new was made or journaled).
     */
    record WorkItem(String id, boolean duplicate) {
    }

    /**
     * An e-mail or social-media contact from {@code POST /api/v1/work-items}. Idempotent on
     * ({@code channel}, {@code externalId}): while Loket has that item, and for
     * {@link WorkItemIds#ENDED_KEEP_MS} after it ended, a post with the same key answers with its id
     * and changes nothing, whatever else the post holds (the gateway's id names the message).
     *
     * @param preferredAgent the agent it should preferably reach (e.g. who answered the thread before), or
     *                       null; an unknown name is ignored (the queue's {@code preferredAgentSeconds} decides how long)
     * @return the work item, or {@code null} when the ring was full (the caller answers 503)
     */
    WorkItem acceptWorkItem(Channel channel, String externalId, String from, String subject, String body, String preferredAgent) {
        long known = hub.workItems.find(channel, externalId, System.currentTimeMillis());
        if (known >= 0) {
            hub.counters.workItemDuplicates.increment();
            return new WorkItem(Long.toString(known), true);
        }
        long id = nextContactId++;
        Integer preferred = preferredAgent == null ? null : hub.agentIds.get(preferredAgent);
        Command o = hub.command(CommandType.CONTACT_ARRIVED, id, preferred == null ? Command.NONE : preferred);
        o.channel = channel.code();
        o.entryId = channel == Channel.EMAIL ? hub.emailEntry : hub.socialEntry;
        o.citizenPseudonym = pseudonyms.of(senderAddress(from));
        if (!hub.publish(o, null)) {
            return null;
        }
        hub.counters.workItemsAccepted.increment();
        Conversation c = new Conversation(id, channel.code(), true);
        c.externalId = externalId;
        c.from = from;
        c.subject = subject;
        c.body = body;
        c.store = hub.store;
        hub.store.append(new TranscriptStore.Entry(id, TranscriptStore.Kind.OPENED, System.currentTimeMillis(), 0,
                HubState.channelName(channel.code()), null, subject, from, externalId));
        c.say("citizen", body);
        hub.conversations.put(id, c);
        hub.workItems.live(channel.code(), externalId, id);
        return new WorkItem(Long.toString(id), false);
    }

    /**
     * The address a sender's pseudonym is made of: the part in angle brackets of "Name &lt;address&gt;",
     * in lower case, so a citizen who writes again from the same address is the same citizen.
     */
    static String senderAddress(String from) {
        if (from == null) {
            return null;
        }
        int open = from.lastIndexOf('<');
        int close = from.lastIndexOf('>');
        String address = open >= 0 && close > open ? from.substring(open + 1, close) : from;
        return address.trim().toLowerCase(Locale.ROOT);
    }

    // ------------------------------------------------------------------ the chatbot

    /** The bot's frame for a flow node: its text, and for a menu the buttons (then kept as the last prompt, for a resume). */
    ObjectNode botFrame(Conversation c, FlowNode node, String text, boolean last) {
        ObjectNode frame = hub.textFrame("bot", text, c.language).put("node", node.name()).put("final", last);
        if (node.nextByInput() != null && (node.kind() == FlowNode.Kind.MENU || node.kind() == FlowNode.Kind.LANGUAGE)) {
            ArrayNode options = frame.putArray("options");
            for (int input = 0; input < FlowNode.INPUTS; input++) {
                if (node.nextByInput()[input] < 0) {
                    continue;
                }
                options.addObject().put("input", input).put("key", FlowNode.inputName(input)).put("label", optionLabel(c, node, input));
            }
            c.lastPrompt = frame;
        }
        return frame;
    }

    /**
     * The button for {@code node}'s option {@code input}: the configuration's label in the citizen's
     * language; without one, a language menu's language name, or a name made from the next node's.
     */
    private String optionLabel(Conversation c, FlowNode node, int input) {
        String configured = hub.chatbot.optionLabel(node.name(), input, hub.languageCode(c.language), hub.routing.languages().get(0));
        if (configured != null) {
            return configured;
        }
        if (node.kind() == FlowNode.Kind.LANGUAGE && node.languageByInput()[input] >= 0) {
            return hub.languageName(node.languageByInput()[input]);
        }
        FlowNode target = hub.routing.flowNodes().get(node.nextByInput()[input]);
        return label(target.name()) + (target.kind() == FlowNode.Kind.QUEUE
                ? ("nl".equals(hub.languageCode(c.language)) ? " – medewerker" : " – talk to an agent") : "");
    }

    /** A button label from a node name: "to-login" → "login", "application-menu" → "application". */
    static String label(String nodeName) {
        String s = nodeName;
        for (String prefix : new String[] {"to-", "info-"}) {
            if (s.startsWith(prefix)) {
                s = s.substring(prefix.length());
            }
        }
        if (s.endsWith("-menu")) {
            s = s.substring(0, s.length() - "-menu".length());
        }
        return s.replace('-', ' ');
    }


    // ------------------------------------------------------------------ positions and housekeeping

    /** Position and estimated wait of every waiting citizen, sent when they change. */
    void updatePositions() {
        for (QueueView q : hub.queues) {
            if (q.waiting.isEmpty()) {
                continue;
            }
            List<Conversation> order = new ArrayList<>(q.waiting);
            order.sort(QUEUE_ORDER);
            int ready = readyQualified(q);
            int position = 0;
            for (Conversation c : order) {
                position++;
                if (c.citizen == null) {
                    continue;
                }
                // A new place, or an estimate that moved to another minute as time passed: the page shows minutes.
                long ewtSeconds = estimatedWaitSeconds(q, c, position, ready);
                if (c.position != position || minutes(ewtSeconds) != minutes(c.ewtSeconds)) {
                    c.position = position;
                    sendPosition(c, q, ewtSeconds);
                }
            }
        }
    }

    void sendPosition(Conversation c) {
        QueueView q = hub.queues[c.queue];
        if (c.position < 0) {
            int ahead = 0;
            for (Conversation other : q.waiting) {
                if (other != c && QUEUE_ORDER.compare(other, c) < 0) {
                    ahead++;
                }
            }
            c.position = ahead + 1;
        }
        sendPosition(c, q, estimatedWaitSeconds(q, c, c.position, readyQualified(q)));
    }

    private void sendPosition(Conversation c, QueueView q, long ewtSeconds) {
        c.ewtSeconds = ewtSeconds;
        c.citizen.send(hub.json.createObjectNode().put("type", "queued").put("queue", q.spec.name())
                .put("position", c.position).put("estimatedWaitSeconds", c.ewtSeconds)
                .put("estimatedWaitMinutes", minutes(c.ewtSeconds)).toString());
    }

    /** An estimate in whole minutes as the page shows it (rounded to the nearest; 0 is "less than a minute"). */
    static long minutes(long seconds) {
        return (seconds + 30) / 60;
    }

    /**
     * Position times the observed interval between offers from the queue (smoothed); before any
     * offer, the core's estimate when the contact queued, less the time waited since; without one,
     * two minutes per contact shared over the qualified agents who are ready.
     */
    private long estimatedWaitSeconds(QueueView q, Conversation c, int position, int readyQualified) {
        if (q.offerIntervalMs > 0) {
            return Math.round(position * q.offerIntervalMs / 1000);
        }
        if (c.coreEstimateMs >= 0) {
            long waitedMs = Math.max(0, System.currentTimeMillis() - c.coreEstimateAtNs / 1_000_000L);
            return Math.max(0, (c.coreEstimateMs - waitedMs) / 1000);
        }
        return position * 120L / Math.max(1, readyQualified);
    }

    private int readyQualified(QueueView q) {
        int ready = 0;
        for (int a : q.qualified) {
            if (hub.agents[a].presence == AgentState.READY.code()) {
                ready++;
            }
        }
        return ready;
    }

    /** Citizens who did not come back in time leave; ended conversations are forgotten. */
    /** Whether the contact is still on its agent's desktop (in wrap-up): the agent field stays set after it closed. */
    private boolean heldByItsAgent(Conversation c) {
        return c.agent >= 0 && c.agent < hub.agents.length && hub.agents[c.agent].held.contains(c.id);
    }

    void sweep() {
        long now = System.currentTimeMillis();
        for (Iterator<Conversation> it = hub.conversations.values().iterator(); it.hasNext(); ) {
            Conversation c = it.next();
            if (!c.ours) {
                continue;
            }
            if (c.phase == Phase.ENDED && now - c.endedMs > ENDED_KEEP_MS && !heldByItsAgent(c)) {
                // Web chats and work items alike: an ended e-mail kept for ever was a conversation per
                // e-mail in memory (a retry is still known by WorkItemIds, the texts by the transcripts).
                if (c.tokenHash != null) {
                    hub.byToken.remove(c.tokenHash);
                }
                it.remove();
            } else if (c.channel != Channel.CHAT.code()) {
                continue;
            } else if (c.citizen == null && c.expiresMs > 0 && c.expiresMs < now && c.tokenHash != null) {
                citizenLeft(c);
            } else if (c.phase == Phase.SELF_SERVICE && c.citizen != null && now - c.lastCitizenMs > hub.settings.botIdleSeconds() * 1000L) {
                // The menus' input timeouts are the phone's: the chatbot waits, but not for ever.
                String text = IDLE_CLOSED.getOrDefault(hub.languageCode(c.language), IDLE_CLOSED.get("en"))
                        .formatted(Math.max(1, hub.settings.botIdleSeconds() / 60));
                c.say("bot", text);
                c.citizen.send(hub.textFrame("bot", text, c.language).put("final", true).toString());
                hub.counters.botIdleClosed.increment();
                citizenLeft(c);
            }
        }
    }
}
