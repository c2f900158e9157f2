package org.loket.core.config;

import java.util.Arrays;

/**
 * One step of a self-service flow. The same flow renders as IVR audio or as chatbot text: the
 * core only decides which prompt to present and where each input leads.
 *
 * @param name            operator's name, unique
 * @param kind            what the node does
 * @param promptId        index into {@link RoutingConfig#prompts()}
 * @param nextByInput     for {@code MENU} and {@code LANGUAGE}: the next node per input (0-9, 10 '*', 11 '#'), -1 = invalid
 * @param languageByInput for {@code LANGUAGE}: the language chosen per input, -1 = keep
 * @param queueId         for {@code QUEUE}: the queue the contact goes to
 * @param priority        for {@code QUEUE}: priority given to the contact, -1 = the queue's default
 * @param inputTimeoutMs  for {@code MENU} and {@code LANGUAGE}: time without input that counts as an invalid try
 * @param maxRetries      invalid or missing inputs allowed before the contact goes to {@code fallbackQueueId}
 * @param fallbackQueueId where a citizen who does not get through the menu goes: always a human
 * @param queueByChannel  {@code null}, or per {@link org.loket.core.Channel#code()} the queue that replaces
 *                        {@code queueId} (a {@code QUEUE} node) or {@code fallbackQueueId} (a menu) for
 *                        contacts of that channel, -1 = no replacement: one flow serves the IVR and the
 *                        chatbot, and a chat contact still lands in a chat queue
 * @param inputTimeoutChannels for {@code MENU} and {@code LANGUAGE}: the channels whose contacts the input
 *                        timeout applies to, one bit per {@link org.loket.core.Channel#code()}; a contact of
 *                        another channel waits for its input as long as it takes (a chat citizen who reads
 *                        and thinks is not handed to a queue for being slow; the web chat ends an idle one)
 */
public record FlowNode(String name, Kind kind, int promptId, int[] nextByInput, int[] languageByInput, int queueId,
                       int priority, long inputTimeoutMs, int maxRetries, int fallbackQueueId, int[] queueByChannel,
                       int inputTimeoutChannels) {
    /** Every channel's bit: the input timeout applies to all (so did every configuration before format 10). */
    public static final int EVERY_CHANNEL = (1 << org.loket.core.Channel.COUNT) - 1;
    /** The voice channel's bit: the YAML default, the IVR's timeout and retries only. */
    public static final int VOICE_ONLY = 1 << org.loket.core.Channel.VOICE.code();

    /** A node whose input timeout applies to every channel. */
    public FlowNode(String name, Kind kind, int promptId, int[] nextByInput, int[] languageByInput, int queueId,
                    int priority, long inputTimeoutMs, int maxRetries, int fallbackQueueId, int[] queueByChannel) {
        this(name, kind, promptId, nextByInput, languageByInput, queueId, priority, inputTimeoutMs, maxRetries,
                fallbackQueueId, queueByChannel, EVERY_CHANNEL);
    }

    /** A node whose queues are the same for every channel. */
    public FlowNode(String name, Kind kind, int promptId, int[] nextByInput, int[] languageByInput, int queueId,
                    int priority, long inputTimeoutMs, int maxRetries, int fallbackQueueId) {
        this(name, kind, promptId, nextByInput, languageByInput, queueId, priority, inputTimeoutMs, maxRetries,
                fallbackQueueId, null);
    }

    /**
     * The queue this node hands a contact of {@code channel} to: {@code queueId} for a {@code QUEUE}
     * node, {@code fallbackQueueId} for a menu, unless {@link #queueByChannel} replaces it.
     */
    public int queueFor(int channel) {
        int replacement = queueByChannel == null || channel < 0 || channel >= queueByChannel.length
                ? -1 : queueByChannel[channel];
        return replacement >= 0 ? replacement : kind == Kind.QUEUE ? queueId : fallbackQueueId;
    }


    /** Whether a contact of {@code channel} waiting for input here times out after {@link #inputTimeoutMs}. */
    public boolean timesOut(int channel) {
        return channel >= 0 && channel < org.loket.core.Channel.COUNT && (inputTimeoutChannels & (1 << channel)) != 0;
    }

    /** This node with its input timeout applying to {@code channels} (bits as {@link #inputTimeoutChannels}). */
    public FlowNode withInputTimeoutChannels(int channels) {
        return new FlowNode(name, kind, promptId, nextByInput, languageByInput, queueId, priority, inputTimeoutMs, maxRetries,
                fallbackQueueId, queueByChannel, channels);
    }

    /** An input as a caller keys it and the configuration names it: "0"-"9", "*" (10), "#" (11). */
    public static String inputName(int input) {
        return input == 10 ? "*" : input == 11 ? "#" : Integer.toString(input);
    }

    /** Number of distinct inputs: digits 0-9, '*' (10) and '#' (11). */
    public static final int INPUTS = 12;

    /** What a node does. */
    public enum Kind {
        /** Present options; each input leads to another node. */
        MENU,
        /** Present options that choose the language, then continue. */
        LANGUAGE,
        /** Present information; the contact is self-served and ends. */
        INFO,
        /** Hand the contact to a queue (a human). */
        QUEUE
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowNode f && name.equals(f.name) && kind == f.kind && promptId == f.promptId
                && Arrays.equals(nextByInput, f.nextByInput) && Arrays.equals(languageByInput, f.languageByInput)
                && queueId == f.queueId && priority == f.priority && inputTimeoutMs == f.inputTimeoutMs
                && maxRetries == f.maxRetries && fallbackQueueId == f.fallbackQueueId
                && Arrays.equals(queueByChannel, f.queueByChannel) && inputTimeoutChannels == f.inputTimeoutChannels;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + kind.hashCode();
    }

    @Override
    public String toString() {
        return "FlowNode[" + name + ' ' + kind + " prompt=" + promptId + " next=" + Arrays.toString(nextByInput)
                + " queue=" + queueId + (queueByChannel == null ? "" : " byChannel=" + Arrays.toString(queueByChannel))
                + (inputTimeoutChannels == EVERY_CHANNEL ? "" : " timeoutChannels=" + Integer.toBinaryString(inputTimeoutChannels)) + ']';
    }
}
