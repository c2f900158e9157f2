package org.loket.core.config;

/**
 * Where contacts come in (a phone number, the chat widget, a mailbox): either a self-service flow
 * or straight into a queue.
 *
 * @param name       operator's name, unique
 * @param flowNodeId the first self-service node, or -1
 * @param queueId    the queue when there is no flow, or -1
 */
public record EntrySpec(String name, int flowNodeId, int queueId) {
}
