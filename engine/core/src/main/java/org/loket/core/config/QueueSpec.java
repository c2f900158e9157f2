package org.loket.core.config;

import java.util.List;
import org.loket.core.Channel;

/**
 * One queue: contacts of one channel that need agents meeting a {@link Requirement}.
 *
 * @param name               operator's name, unique
 * @param channel            the channel of every contact in this queue
 * @param requirement        what an agent needs to serve the queue's contacts
 * @param defaultPriority    priority (0..{@link RoutingConfig#MAX_PRIORITY}, higher first) of contacts routed here without one
 * @param priorityAgingMs    waiting time worth one priority level; 0 = priority does not age
 * @param offerTimeoutMs     how long an agent may take to accept an offer before it is redirected
 * @param maxWrapUpMs        after-contact work an agent gets before the core makes them available; 0 = none
 * @param serviceLevelMs     the service-level threshold for reports (answered within this time)
 * @param steps              time-based escalation, {@code afterMs} strictly rising; empty = none
 * @param deflection         what happens to a contact about to join when the queue is full or its wait too long
 * @param selection          how an available agent is chosen for a contact
 * @param weightPercent      between queues of equal effective priority, a contact's waiting time counts
 *                           this many hundredths (100 = as long as it is); 1..1000
 * @param deferrable         blending: the queue's contacts (e-mail, social) may be interrupted by a voice
 *                           offer; an agent who holds only deferrable work is still free for a call.
 *                           Otherwise a call waits until the agent has finished all other work
 * @param preferredAgentMs   how long a contact that names a preferred agent waits for that agent alone
 *                           before any qualified agent may take it; 0 = preferences are ignored
 * @param serviceLevelTargetPercent the share of contacts to answer within {@code serviceLevelMs} (1..100):
 *                           what the wallboard holds the day's service level against; routing ignores it
 * @param serviceLevelOnWorkingDays whether {@code serviceLevelMs} is working time: the clock stops outside
 *                           the configuration's {@link RoutingConfig#workingDays} (e-mail answered within two
 *                           working days); otherwise it is the time waited. Reports only
 */
public record QueueSpec(String name, Channel channel, Requirement requirement, int defaultPriority,
                        long priorityAgingMs, long offerTimeoutMs, long maxWrapUpMs, long serviceLevelMs,
                        List<EscalationStep> steps, Deflection deflection, AgentSelection selection, int weightPercent,
                        boolean deferrable, long preferredAgentMs, int serviceLevelTargetPercent,
                        boolean serviceLevelOnWorkingDays) {

    /** The service-level target of a queue that names none: 80 % (the reports' {@code --sl-target} default too). */
    public static final int DEFAULT_SERVICE_LEVEL_TARGET_PERCENT = 80;

    public QueueSpec {
        steps = List.copyOf(steps);
    }

    /** A queue with escalation and the default policies: no deflection, longest idle, weight 100. */
    public QueueSpec(String name, Channel channel, Requirement requirement, int defaultPriority,
                     long priorityAgingMs, long offerTimeoutMs, long maxWrapUpMs, long serviceLevelMs,
                     List<EscalationStep> steps) {
        this(name, channel, requirement, defaultPriority, priorityAgingMs, offerTimeoutMs, maxWrapUpMs, serviceLevelMs,
                steps, Deflection.NONE, AgentSelection.LONGEST_IDLE, 100, false, 0, DEFAULT_SERVICE_LEVEL_TARGET_PERCENT, false);
    }

    /** A queue that needs one skill at a minimum level and does not escalate. */
    public QueueSpec(String name, Channel channel, int skillId, int minLevel, int defaultPriority,
                     long priorityAgingMs, long offerTimeoutMs, long maxWrapUpMs, long serviceLevelMs) {
        this(name, channel, Requirement.skill(skillId, minLevel), defaultPriority, priorityAgingMs, offerTimeoutMs,
                maxWrapUpMs, serviceLevelMs, List.of());
    }

    /** This queue with other escalation steps. */
    public QueueSpec withSteps(List<EscalationStep> newSteps) {
        return new QueueSpec(name, channel, requirement, defaultPriority, priorityAgingMs, offerTimeoutMs, maxWrapUpMs,
                serviceLevelMs, newSteps, deflection, selection, weightPercent, deferrable, preferredAgentMs, serviceLevelTargetPercent,
                serviceLevelOnWorkingDays);
    }

    /** This queue with other deflection, agent selection and weight. */
    public QueueSpec withPolicies(Deflection newDeflection, AgentSelection newSelection, int newWeightPercent) {
        return new QueueSpec(name, channel, requirement, defaultPriority, priorityAgingMs, offerTimeoutMs, maxWrapUpMs,
                serviceLevelMs, steps, newDeflection, newSelection, newWeightPercent, deferrable, preferredAgentMs, serviceLevelTargetPercent,
                serviceLevelOnWorkingDays);
    }

    /** This queue with another blending policy. */
    public QueueSpec withDeferrable(boolean newDeferrable) {
        return new QueueSpec(name, channel, requirement, defaultPriority, priorityAgingMs, offerTimeoutMs, maxWrapUpMs,
                serviceLevelMs, steps, deflection, selection, weightPercent, newDeferrable, preferredAgentMs, serviceLevelTargetPercent,
                serviceLevelOnWorkingDays);
    }

    /** This queue with another wait for a preferred agent. */
    public QueueSpec withPreferredAgentMs(long newPreferredAgentMs) {
        return new QueueSpec(name, channel, requirement, defaultPriority, priorityAgingMs, offerTimeoutMs, maxWrapUpMs,
                serviceLevelMs, steps, deflection, selection, weightPercent, deferrable, newPreferredAgentMs, serviceLevelTargetPercent,
                serviceLevelOnWorkingDays);
    }

    /** This queue with another service-level target. */
    public QueueSpec withServiceLevelTargetPercent(int newServiceLevelTargetPercent) {
        return new QueueSpec(name, channel, requirement, defaultPriority, priorityAgingMs, offerTimeoutMs, maxWrapUpMs,
                serviceLevelMs, steps, deflection, selection, weightPercent, deferrable, preferredAgentMs, newServiceLevelTargetPercent,
                serviceLevelOnWorkingDays);
    }

    /** This queue with another service-level threshold, counted in working time ({@code onWorkingDays}) or as time waited. */
    public QueueSpec withServiceLevel(long newServiceLevelMs, boolean onWorkingDays) {
        return new QueueSpec(name, channel, requirement, defaultPriority, priorityAgingMs, offerTimeoutMs, maxWrapUpMs,
                newServiceLevelMs, steps, deflection, selection, weightPercent, deferrable, preferredAgentMs, serviceLevelTargetPercent,
                onWorkingDays);
    }

    /** This queue with another requirement. */
    public QueueSpec withRequirement(Requirement newRequirement) {
        return new QueueSpec(name, channel, newRequirement, defaultPriority, priorityAgingMs, offerTimeoutMs, maxWrapUpMs,
                serviceLevelMs, steps, deflection, selection, weightPercent, deferrable, preferredAgentMs, serviceLevelTargetPercent,
                serviceLevelOnWorkingDays);
    }

    /**
     * Whether an agent with these skills and capacities serves a contact of this queue that has
     * passed {@code tier} widening steps: it has capacity on the channel and meets the requirement or
     * one of the first {@code tier} widenings.
     *
     * @param languageSkill the skill the contact's language stands for, or -1 ({@link RoutingConfig#languageSkill})
     */
    public boolean servedBy(AgentSpec agent, int tier, int languageSkill) {
        if (agent.capacityPerChannel()[channel.code()] <= 0) {
            return false;
        }
        if (requirement.satisfiedBy(agent.skillLevels(), languageSkill)) {
            return true;
        }
        int widenings = 0;
        for (EscalationStep step : steps) {
            if (step.action() == EscalationStep.Action.WIDEN && widenings++ < tier
                    && step.widen().satisfiedBy(agent.skillLevels(), languageSkill)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The agent's skill for a contact at {@code tier}: over the clauses it meets (the requirement and
     * the first {@code tier} widenings), the best of each clause's lowest level; 0 when it meets none.
     */
    public int skillFor(AgentSpec agent, int tier, int languageSkill) {
        int best = clauseSkill(requirement, agent, languageSkill);
        int widenings = 0;
        for (EscalationStep step : steps) {
            if (step.action() == EscalationStep.Action.WIDEN && widenings++ < tier) {
                best = Math.max(best, clauseSkill(step.widen(), agent, languageSkill));
            }
        }
        return best;
    }

    private static int clauseSkill(Requirement requirement, AgentSpec agent, int languageSkill) {
        int best = 0;
        for (int[] clause : requirement.clauses()) {
            int lowest = Integer.MAX_VALUE;
            for (int t = 0; t < clause.length && lowest > 0; t += 2) {
                int skill = clause[t] == Requirement.CONTACT_LANGUAGE ? languageSkill : clause[t];
                int level = skill < 0 || skill >= agent.skillLevels().length ? 0 : agent.skillLevels()[skill];
                lowest = level >= Math.max(1, clause[t + 1]) ? Math.min(lowest, level) : 0;
            }
            best = Math.max(best, lowest == Integer.MAX_VALUE ? 0 : lowest);
        }
        return best;
    }

    /** Whether the agent serves this queue in some language at some step: for configuration warnings. */
    public boolean servedAtAllBy(AgentSpec agent, RoutingConfig config) {
        for (int language = 0; language < config.languages().size(); language++) {
            if (servedBy(agent, widenings(), config.languageSkill(language))) {
                return true;
            }
        }
        return false;
    }

    /** Number of {@link EscalationStep.Action#WIDEN} steps: a contact's tier runs from 0 to this. */
    public int widenings() {
        int n = 0;
        for (EscalationStep step : steps) {
            if (step.action() == EscalationStep.Action.WIDEN) {
                n++;
            }
        }
        return n;
    }

    /** Whether some requirement of the queue (its own or a widening) depends on the contact's language. */
    public boolean usesLanguage() {
        if (requirement.usesLanguage()) {
            return true;
        }
        for (EscalationStep step : steps) {
            if (step.action() == EscalationStep.Action.WIDEN && step.widen().usesLanguage()) {
                return true;
            }
        }
        return false;
    }
}
