package org.loket.host.trace;

import java.util.List;

/** A trace that cannot be used; every problem names the file, line and column. */
public final class TraceException extends Exception {
    private final List<String> problems;

    public TraceException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
