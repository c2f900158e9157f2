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
 */
public record LoadedConfig(RoutingConfig routing, Map<String, Map<String, String>> promptTexts, List<Shift> shifts,
                           OpeningHours hours, String source, List<ConfigProblem> warnings,
                           Map<String, String> entryByNumber) {
    public LoadedConfig {
        shifts = List.copyOf(shifts);
        if (shifts.size() != routing.agents().size()) {
            throw new IllegalArgumentException(shifts.size() + " shifts for " + routing.agents().size() + " agents");
        }
        entryByNumber = Map.copyOf(entryByNumber);
    }

    /** A configuration whose entries have no phone numbers. */
    public LoadedConfig(RoutingConfig routing, Map<String, Map<String, String>> promptTexts, List<Shift> shifts,
                        OpeningHours hours, String source, List<ConfigProblem> warnings) {
        this(routing, promptTexts, shifts, hours, source, warnings, Map.of());
    }

    /**
     * The reasons an agent may give for a pause, in order ({@link RoutingConfig#pauseReasons()}): the
     * i-th is reason code {@code PauseReason.FIRST_OPERATOR_CODE + i}; the desktop lists them and a
     * phone pauses with the first nine ({@code *561}..{@code *569}).
     */
    public List<String> pauseReasons() {
        return routing.pauseReasons();
    }

    /** The reason code of a pause reason's name, or -1 when the configuration has no such reason. */
    public int pauseReasonCode(String name) {
        int index = pauseReasons().indexOf(name);
        return index < 0 ? -1 : org.loket.core.PauseReason.FIRST_OPERATOR_CODE + index;
    }

    /**
     * The name of a reason code: a configured reason, {@code no-answer} for the core's own (an offer
     * rang out), or an empty string for none or an unknown code.
     */
    public String pauseReasonName(int code) {
        int index = code - org.loket.core.PauseReason.FIRST_OPERATOR_CODE;
        if (index >= 0 && index < pauseReasons().size()) {
            return pauseReasons().get(index);
        }
        return code == org.loket.core.PauseReason.NO_ANSWER ? "no-answer" : "";
    }
}
