package org.loket.chat;

import java.util.LinkedHashSet;
import java.util.Set;
import org.loket.core.config.QueueSpec;

/** One queue: waiting contacts and today's figures. Hub thread only. */
final class QueueView {
    /** Index, spec and qualified agents in the configuration in force; a reload replaces them (the name stays). */
    int id;
    QueueSpec spec;
    long agingStepNs;
    final Set<Conversation> waiting = new LinkedHashSet<>();
    int[] qualified;
    long lastOfferNs = -1;
    double offerIntervalMs = -1;

    QueueView(int id, QueueSpec spec, int[] qualified) {
        configure(id, spec, qualified);
    }

    void configure(int id, QueueSpec spec, int[] qualified) {
        this.id = id;
        this.spec = spec;
        this.agingStepNs = spec.priorityAgingMs() > 0 ? spec.priorityAgingMs() * 1_000_000L : 1_000_000_000_000_000L;
        this.qualified = qualified;
    }
}
