package org.loket.core.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionSink;
import org.loket.core.decision.DecisionType;

/** Keeps a copy of every decision, and a running hash, for assertions. */
public final class RecordingSink implements DecisionSink {
    private final List<Decision> decisions = new ArrayList<>();
    private long hash;

    @Override
    public void onDecision(Decision decision) {
        decisions.add(new Decision().copyFrom(decision));
        hash = decision.hashInto(hash);
    }

    public List<Decision> all() {
        return decisions;
    }

    public List<Decision> of(DecisionType type) {
        return decisions.stream().filter(d -> d.type == type).toList();
    }

    public List<Decision> where(Predicate<Decision> filter) {
        return decisions.stream().filter(filter).toList();
    }

    /** The decisions since the last call, and forget them for the next. */
    public List<Decision> drain() {
        List<Decision> copy = List.copyOf(decisions);
        decisions.clear();
        return copy;
    }

    public long hash() {
        return hash;
    }
}
