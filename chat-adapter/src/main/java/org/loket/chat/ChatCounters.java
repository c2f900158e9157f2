package org.loket.chat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Operational facts of the chat gateway: every refusal is counted here, never only logged. Thread-safe. */
public final class ChatCounters {
    /** Frames that were not JSON, not an object, of an unknown type, binary, or missing a field. */
    public final LongAdder malformedFrames = new LongAdder();
    /** Frames larger than {@link ChatSettings#maxFrameBytes()} (the connection is closed with 1009). */
    public final LongAdder oversizedFrames = new LongAdder();
    /** Texts longer than {@link ChatSettings#maxTextChars()}. */
    public final LongAdder oversizedTexts = new LongAdder();
    /** Frames refused by a connection's rate limit. */
    public final LongAdder rateLimited = new LongAdder();
    /** Connections closed for sending nothing within the idle timeout. */
    public final LongAdder idleClosed = new LongAdder();
    /** Logins and requests refused for a wrong or missing credential. */
    public final LongAdder authFailures = new LongAdder();
    /** Names (and the HTTP API's tokens) locked out for an address after too many wrong secrets there ({@link CredentialGuard}). */
    public final LongAdder authLockouts = new LongAdder();
    /** Addresses locked out of every sign-in and token after too many wrong ones for any names ({@link CredentialGuard}). */
    public final LongAdder authAddressLockouts = new LongAdder();
    /** Sign-ins and requests refused unchecked because their name or token, or their whole address, was locked out. */
    public final LongAdder authLocked = new LongAdder();
    /** Connections closed after three wrong credentials. */
    public final LongAdder authClosed = new LongAdder();
    /** WebSocket upgrades refused for a page of another site ({@link Origins}). */
    public final LongAdder originRefused = new LongAdder();
    /** Commands the ring had no room for (the client was told to retry). */
    public final LongAdder ringFull = new LongAdder();
    /** Commands the core refused (a REJECT_COMMAND for a contact or agent of this gateway). */
    public final LongAdder rejectedByCore = new LongAdder();
    /**
     * Webhook messages given up (to the given-up file, {@link WebhookOutbox}): refused until
     * {@code chat.webhook-give-up-hours} after they were queued, or beyond the waiting limit.
     */
    public final LongAdder webhookFailures = new LongAdder();
    public final LongAdder webhookDelivered = new LongAdder();
    /** HTTP requests refused as bad (wrong path, method, body). */
    public final LongAdder badRequests = new LongAdder();
    /** Citizens who came back with a valid resume token. */
    public final LongAdder resumed = new LongAdder();
    /** Resume attempts with an unknown or expired token. */
    public final LongAdder resumeRefused = new LongAdder();
    /** Conversations the chatbot closed after {@code chat.bot-idle-seconds} without a step of the citizen's. */
    public final LongAdder botIdleClosed = new LongAdder();
    public final LongAdder conversationsStarted = new LongAdder();
    public final LongAdder workItemsAccepted = new LongAdder();
    /** Work items posted again with a (channel, externalId) Loket had: answered with the same id, nothing new made ({@link WorkItemIds}). */
    public final LongAdder workItemDuplicates = new LongAdder();
    public final LongAdder framesIn = new LongAdder();
    /** Callbacks (a reply later, by e-mail when the citizen gave an address) an escalation step offered, and those taken. */
    public final LongAdder callbackOffers = new LongAdder();
    public final LongAdder callbacksRequested = new LongAdder();
    /** Chats not started because the chat was full ({@code chat.max-live-chats}) or new chats came too fast ({@code chat.starts-per-second}). */
    public final LongAdder chatsRefusedBusy = new LongAdder();
    /** Webhook messages the gateway refused or did not answer, tried again (in order, after a backoff). */
    public final LongAdder webhookRetries = new LongAdder();
    /** Webhook messages found waiting in the outbox (or the re-send file) at start, sent before new ones. */
    public final LongAdder webhookRecovered = new LongAdder();
    /** Writes of the webhook's outbox or given-up file that failed (logged with the work item; see {@link Webhook}). */
    public final LongAdder webhookOutboxFailures = new LongAdder();
    /** Writes of the supervisors' or agents' sessions file that failed (the sessions live on in memory; a restart would end them). */
    public final LongAdder sessionFileFailures = new LongAdder();

    /** A snapshot for the stats endpoint and the wallboard, in a fixed order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("malformedFrames", malformedFrames.sum());
        m.put("oversizedFrames", oversizedFrames.sum());
        m.put("oversizedTexts", oversizedTexts.sum());
        m.put("rateLimited", rateLimited.sum());
        m.put("idleClosed", idleClosed.sum());
        m.put("authFailures", authFailures.sum());
        m.put("authLockouts", authLockouts.sum());
        m.put("authAddressLockouts", authAddressLockouts.sum());
        m.put("authLocked", authLocked.sum());
        m.put("authClosed", authClosed.sum());
        m.put("originRefused", originRefused.sum());
        m.put("ringFull", ringFull.sum());
        m.put("rejectedByCore", rejectedByCore.sum());
        m.put("webhookFailures", webhookFailures.sum());
        m.put("webhookDelivered", webhookDelivered.sum());
        m.put("badRequests", badRequests.sum());
        m.put("resumed", resumed.sum());
        m.put("resumeRefused", resumeRefused.sum());
        m.put("botIdleClosed", botIdleClosed.sum());
        m.put("conversationsStarted", conversationsStarted.sum());
        m.put("workItemsAccepted", workItemsAccepted.sum());
        m.put("workItemDuplicates", workItemDuplicates.sum());
        m.put("framesIn", framesIn.sum());
        m.put("callbackOffers", callbackOffers.sum());
        m.put("callbacksRequested", callbacksRequested.sum());
        m.put("chatsRefusedBusy", chatsRefusedBusy.sum());
        m.put("webhookRetries", webhookRetries.sum());
        m.put("webhookRecovered", webhookRecovered.sum());
        m.put("webhookOutboxFailures", webhookOutboxFailures.sum());
        m.put("sessionFileFailures", sessionFileFailures.sum());
        return m;
    }
}
