package org.loket.host.trace;

import org.loket.core.Channel;

/**
 * One contact of a trace (one row of the CSV format in {@code docs/trace-format.md}).
 *
 * @param source        the file it came from (for error messages), null when generated or extracted
 * @param line          line of the CSV file it came from (for error messages), 0 when generated
 * @param arrivalMs     arrival, in ms after the trace's midnight (local time)
 * @param contactId     the trace's own id of the contact (any text without commas)
 * @param channel       voice, chat, email or social
 * @param topic         a queue or an entry of the configuration
 * @param priority      0..9, or -1 for the queue's (or the menu's) own
 * @param language       language code ("nl", "en"), or null for the configuration's default
 * @param selfServiceMs time spent in the IVR or chatbot before it ended there or asked for a human
 * @param selfServed    whether self-service answered the question (the contact ended there)
 * @param patienceMs    how long the contact waits in a queue before it leaves; -1 = never leaves
 * @param handleMs      talk (or chat, or work) time once an agent accepted
 * @param wrapUpMs      after-contact work of the agent
 * @param redialOf      the trace id of the contact this one redials, or null: a redial only happens
 *                      when that contact did not reach an agent (see the format's rules)
 * @param callbackAfterMs how long the contact waits in a queue before asking to be called back
 *                      (keeping its place); -1 = never asks
 */
public record TraceContact(String source, int line, long arrivalMs, String contactId, Channel channel, String topic, int priority,
                           String language, long selfServiceMs, boolean selfServed, long patienceMs, long handleMs,
                           long wrapUpMs, String redialOf, long callbackAfterMs) {
    /** A row not read from a file (generated, extracted, made by a test). */
    public TraceContact(int line, long arrivalMs, String contactId, Channel channel, String topic, int priority,
                        String language, long selfServiceMs, boolean selfServed, long patienceMs, long handleMs,
                        long wrapUpMs, String redialOf, long callbackAfterMs) {
        this(null, line, arrivalMs, contactId, channel, topic, priority, language, selfServiceMs, selfServed, patienceMs, handleMs,
                wrapUpMs, redialOf, callbackAfterMs);
    }

    /**
     * Where the row is, as problems name it: {@code peak.csv:12} (the format's form, as the reader's
     * own problems), {@code line 12} without a file, {@code contact 7} for a row of no file.
     */
    public String where() {
        return line <= 0 ? "contact " + contactId : source == null ? "line " + line : source + ":" + line;
    }

    /** Whether the contact ever gives up waiting. */
    public boolean abandons() {
        return patienceMs >= 0;
    }
}
