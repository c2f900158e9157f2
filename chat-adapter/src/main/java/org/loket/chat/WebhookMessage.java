package org.loket.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.UUID;

/**
 * One message for the organisation's gateway, as {@link Webhook} posts it and {@link WebhookOutbox}
 * keeps it.
 *
 * @param id       the body's {@code messageId}: the same on every retry, after a restart and in a re-send,
 *                 so the gateway can drop a duplicate (delivery is at least once)
 * @param workItem the body's {@code workItem}, for logs ({@code ?} when it has none)
 * @param queuedMs epoch ms it joined the outbox (a re-send joins again): the give-up clock runs from here
 * @param body     the JSON posted, UTF-8, on one line
 */
record WebhookMessage(String id, String workItem, long queuedMs, byte[] body) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A new message: {@code messageId} (random, unique across restarts and instances) and
     * {@code createdAt} (UTC) first, then the fields of {@code fields}.
     */
    static WebhookMessage of(ObjectNode fields, long nowMs) {
        String id = UUID.randomUUID().toString();
        ObjectNode body = JSON.createObjectNode().put("messageId", id).put("createdAt", Instant.ofEpochMilli(nowMs).toString());
        body.setAll(fields);
        try {
            return new WebhookMessage(id, fields.path("workItem").asText("?"), nowMs, JSON.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("webhook body of work item " + fields.path("workItem").asText("?") + " cannot be written", e);
        }
    }

    /** The same message queued again at {@code nowMs} (a re-send: a fresh give-up clock, the same id). */
    WebhookMessage queuedAgain(long nowMs) {
        return new WebhookMessage(id, workItem, nowMs, body);
    }
}
