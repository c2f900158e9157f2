package org.loket.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The line format of the webhook's outbox, given-up and re-send files: UTF-8 JSON, one object a
 * line. First a header, {@code {"loket":"webhook-outbox","format":1}} (or {@code "webhook-given-up"}),
 * then per message {@code {"queued":"<UTC instant>","body":{...}}}, the body as posted (its
 * {@code messageId} included); in the outbox {@code {"delivered":"<messageId>"}} or
 * {@code {"givenUp":"<messageId>"}} once it left; in the given-up file also {@code "givenUpAt"} and
 * {@code "why"} beside the body. Readers ignore fields they do not know. Stateless.
 */
final class OutboxLines {
    static final int FORMAT = 1;
    static final String OUTBOX = "webhook-outbox";
    static final String GIVEN_UP = "webhook-given-up";
    private static final ObjectMapper JSON = new ObjectMapper();

    private OutboxLines() {
    }

    /**
     * What a file holds.
     *
     * @param waiting       its messages not marked delivered or given up, in file order (a repeated id: the first)
     * @param badLines      numbers (1-based) of complete lines that are none of the above
     * @param firstProblem  what is wrong with the first of them, or null
     * @param truncatedTail whether the file ends in an incomplete line (normal after a crash during a write: ignored)
     * @param refused       why nothing of the file may be used (another format), or null
     */
    record Read(List<WebhookMessage> waiting, List<Integer> badLines, String firstProblem, boolean truncatedTail, String refused) {
    }

    static String header(String kind) {
        return "{\"loket\":\"" + kind + "\",\"format\":" + FORMAT + "}\n";
    }

    static String message(WebhookMessage m) {
        return "{\"queued\":\"" + Instant.ofEpochMilli(m.queuedMs()) + "\",\"body\":" + new String(m.body(), StandardCharsets.UTF_8) + "}\n";
    }

    /** @param why a reason without text or token (an HTTP status, an exception's message) */
    static String givenUp(WebhookMessage m, long atMs, String why) {
        return "{\"queued\":\"" + Instant.ofEpochMilli(m.queuedMs()) + "\",\"givenUpAt\":\"" + Instant.ofEpochMilli(atMs)
                + "\",\"why\":" + quoted(why) + ",\"body\":" + new String(m.body(), StandardCharsets.UTF_8) + "}\n";
    }

    /** @param kind {@code delivered} or {@code givenUp} */
    static String marker(String kind, String id) {
        return "{\"" + kind + "\":" + quoted(id) + "}\n";
    }

    private static String quoted(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads {@code file} (an outbox, a given-up file or a re-send file alike). */
    static Read read(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        int complete = lines.length - 1; // the part after the last newline is incomplete (or empty)
        Map<String, WebhookMessage> waiting = new LinkedHashMap<>();
        List<Integer> bad = new ArrayList<>();
        String firstProblem = null;
        for (int i = 0; i < complete; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            String problem;
            try {
                JsonNode node = JSON.readTree(line);
                if (i == 0 && node.has("loket")) {
                    problem = header(node);
                    if (problem != null && node.path("format").asInt(-1) != FORMAT) {
                        return new Read(List.of(), List.of(1), problem, false, problem);
                    }
                } else {
                    problem = apply(node, waiting);
                }
            } catch (JsonProcessingException e) {
                problem = "not JSON (" + e.getOriginalMessage() + ")";
            }
            if (problem != null) {
                bad.add(i + 1);
                firstProblem = firstProblem == null ? problem : firstProblem;
            }
        }
        return new Read(List.copyOf(waiting.values()), List.copyOf(bad), firstProblem, !lines[complete].isEmpty(), null);
    }

    private static String header(JsonNode node) {
        String kind = node.path("loket").asText();
        if (!OUTBOX.equals(kind) && !GIVEN_UP.equals(kind)) {
            return "the header names '" + kind + "', not " + OUTBOX + " or " + GIVEN_UP;
        }
        int format = node.path("format").asInt(-1);
        return format == FORMAT ? null : "format " + node.path("format") + "; this Loket reads format " + FORMAT;
    }

    /** Applies one line to {@code waiting}; what is wrong with it, or null. */
    private static String apply(JsonNode node, Map<String, WebhookMessage> waiting) {
        if (node == null || !node.isObject()) {
            return "not a JSON object";
        }
        for (String marker : new String[] {"delivered", "givenUp"}) {
            if (node.path(marker).isTextual()) {
                waiting.remove(node.path(marker).asText());
                return null;
            }
        }
        JsonNode body = node.path("body");
        if (!body.isObject() || !body.path("messageId").isTextual() || body.path("messageId").asText().isEmpty()) {
            return "neither a message (a 'body' object with a 'messageId') nor a 'delivered' or 'givenUp' mark";
        }
        long queuedMs;
        try {
            queuedMs = Instant.parse(node.path("queued").asText("")).toEpochMilli();
        } catch (DateTimeParseException e) {
            return "'queued' '" + node.path("queued").asText("") + "' is not a UTC time such as 2026-11-25T08:00:00Z";
        }
        String id = body.path("messageId").asText();
        try {
            waiting.putIfAbsent(id, new WebhookMessage(id, body.path("workItem").asText("?"), queuedMs, JSON.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            return "its body cannot be written again (" + e.getOriginalMessage() + ")";
        }
        return null;
    }
}
