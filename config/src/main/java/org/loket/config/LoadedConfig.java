package org.loket.config;

import java.util.List;
import java.util.Map;
import org.loket.core.config.RoutingConfig;

/**
 * A validated configuration: what the core consumes, the texts the adapters render, and the
 * warnings that did not stop it.
 *
 * @param routing       the core's configuration
 * @param promptTexts   per prompt key, the text per language code
 * @param shifts        per agent id, the shift that agent works ({@link Shift#ALL_DAY} when none is given)
 * @param hours         when the helpdesk is open
 * @param source        where it was read from (a folder, or "embedded default")
 * @param warnings      problems that do not stop the configuration
 * @param entryByNumber per phone number (an entry's optional {@code numbers}), the entry's name; the
 *                      telephony adapter and {@code loket asterisk-config} route dialled numbers with it
 * @param breaks        per agent id, the pauses its shift plans, in time order (empty when none)
 */
public record LoadedConfig(RoutingConfig routing, Map<String, Map<String, String>> promptTexts, List<Shift> shifts,
                           OpeningHours hours, String source, List<ConfigProblem> warnings,
                           Map<String, String> entryByNumber, List<List<PlannedBreak>> breaks) {
    public LoadedConfig {
        shifts = List.copyOf(shifts);
        if (shifts.size() != routing.agents().size()) {
            throw new IllegalArgumentException(shifts.size() + " shifts for " + routing.agents().size() + " agents");
        }
        entryByNumber = Map.copyOf(entryByNumber);
        breaks = breaks.stream().map(List::copyOf).toList();
        if (breaks.size() != shifts.size()) {
            throw new IllegalArgumentException(breaks.size() + " break plans for " + shifts.size() + " agents");
        }
    }

    /** A configuration whose shifts plan no breaks. */
    public LoadedConfig(RoutingConfig routing, Map<String, Map<String, String>> promptTexts, List<Shift> shifts,
                        OpeningHours hours, String source, List<ConfigProblem> warnings, Map<String, String> entryByNumber) {
        this(routing, promptTexts, shifts, hours, source, warnings, entryByNumber, java.util.Collections.nCopies(shifts.size(), List.of()));
    }

    /** A configuration whose entries have no phone numbers and whose shifts plan no breaks. */
    public LoadedConfig(RoutingConfig routing, Map<String, Map<String, String>> promptTexts, List<Shift> shifts,
                        OpeningHours hours, String source, List<ConfigProblem> warnings) {
        this(routing, promptTexts, shifts, hours, source, warnings, Map.of());
    }
}
