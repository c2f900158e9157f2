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
 */
public record QueueSpec(String name, Channel channel, Requirement requirement, int defaultPriority,
                        long priorityAgingMs, long offerTimeoutMs, long maxWrapUpMs, long serviceLevelMs,
                        List<EscalationStep> steps) {

    public QueueSpec {
        steps = List.copyOf(steps);
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
                serviceLevelMs, newSteps);
    }

    /** This queue with another requirement. */
    public QueueSpec withRequirement(Requirement newRequirement) {
        return new QueueSpec(name, channel, newRequirement, defaultPriority, priorityAgingMs, offerTimeoutMs, maxWrapUpMs,
                serviceLevelMs, steps);
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
