package org.loket.config;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.loket.core.config.RoutingConfig;

/**
 * A validated configuration: what the core consumes, the texts the adapters render, and the
 * warnings that did not stop it.
 *
 * @param routing       the core's configuration
 * @param promptTexts   per prompt key, the text per language code
 * @param plans         per agent id, when that agent works: shift, planned breaks, days of the week or dates
 *                      ({@link AgentPlan#ALL_DAY} when no shift is given)
 * @param hours         when the helpdesk is open
 * @param source        where it was read from (a folder, or "embedded default")
 * @param warnings      problems that do not stop the configuration
 * @param entryByNumber per phone number (an entry's optional {@code numbers}), the entry's name; the
 *                      telephony adapter and {@code loket asterisk-config} route dialled numbers with it
 * @param supervisors   who may listen in on agents' calls from their phone (not the core's business)
 * @param agentNumbers  per agent name, the number a supervisor's phone dials for that agent: its group's
 *                      {@code extension} onwards, or (no group gives one) its place in the roster, 1 = the first
 * @param chatbot       the chatbot's own wording of prompts and its menu buttons' labels
 */
public record LoadedConfig(RoutingConfig routing, Map<String, Map<String, String>> promptTexts, List<AgentPlan> plans,
                           OpeningHours hours, String source, List<ConfigProblem> warnings,
                           Map<String, String> entryByNumber, List<Supervisor> supervisors, Map<String, Integer> agentNumbers,
                           ChatbotTexts chatbot) {
    public LoadedConfig {
        plans = List.copyOf(plans);
        if (plans.size() != routing.agents().size()) {
            throw new IllegalArgumentException(plans.size() + " plans for " + routing.agents().size() + " agents");
        }
        entryByNumber = Map.copyOf(entryByNumber);
        supervisors = List.copyOf(supervisors);
        agentNumbers = Map.copyOf(agentNumbers);
    }

    /** A configuration whose entries have no phone numbers, without supervisors. */
    public LoadedConfig(RoutingConfig routing, Map<String, Map<String, String>> promptTexts, List<AgentPlan> plans,
                        OpeningHours hours, String source, List<ConfigProblem> warnings) {
        this(routing, promptTexts, plans, hours, source, warnings, Map.of(), List.of(), Map.of(), ChatbotTexts.NONE);
    }

    /** The same configuration with another core configuration and roster plans (one plan per agent of {@code routing}). */
    public LoadedConfig with(RoutingConfig routing, List<AgentPlan> plans) {
        return new LoadedConfig(routing, promptTexts, plans, hours, source, warnings, entryByNumber, supervisors, agentNumbers, chatbot);
    }

    /**
     * What agent {@code agent} is rostered for on {@code date}: its plan, or null when it does not
     * work that day (not one of its {@link AgentPlan#days} or {@link AgentPlan#dates}, one of its
     * {@link AgentPlan#except} dates, or one of the hours' holidays, when every queue is closed).
     */
    public AgentPlan planOn(int agent, LocalDate date) {
        AgentPlan plan = plans.get(agent);
        return plan.worksOn(date) && !hours.holidays().containsKey(date) ? plan : null;
    }
}
