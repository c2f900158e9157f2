package org.loket.core.config;

import java.util.ArrayList;
import java.util.List;
import org.loket.core.Channel;

/**
 * The immutable routing configuration the core consumes: every id in it is an index into one of its
 * lists. It reaches the core only inside a journaled {@code CONFIG_APPLIED} command, so replay
 * reproduces configuration history exactly.
 *
 * @param version         operator-visible version, increasing
 * @param skills          skill names; a skill id is an index here
 * @param languages       language codes ("nl", "en"); language 0 is the default
 * @param prompts         prompt keys; the texts live in the configuration module
 * @param queues          queues; a queue id is an index here
 * @param agents          the roster; an agent id is an index here
 * @param entries         entry points; an entry id is an index here
 * @param flowNodes       self-service nodes; a node id is an index here
 * @param maxLiveContacts contacts the core holds at once (self-service, waiting, offered, connected, wrap-up)
 * @param pauseReasons    why an agent pauses: the i-th is reason code {@code PauseReason.FIRST_OPERATOR_CODE + i}
 *                        of {@code AGENT_STATE_CHANGED}; names only (the core routes alike whatever the reason),
 *                        journaled here so that any reader of a journal can name the codes in it
 * @param wrapUpCodes     what an agent records when a contact's after-call work ends: the i-th is
 *                        {@code WRAP_UP_DONE.reason} i; names only, journaled for the reports
 * @param workingDays     the days a service level in working time counts ({@link QueueSpec#serviceLevelOnWorkingDays});
 *                        journaled for the reports, ignored by routing
 */
public record RoutingConfig(long version, List<String> skills, List<String> languages, List<String> prompts,
                            List<QueueSpec> queues, List<AgentSpec> agents, List<EntrySpec> entries,
                            List<FlowNode> flowNodes, int maxLiveContacts, List<String> pauseReasons,
                            List<String> wrapUpCodes, WorkingDays workingDays) {
    /** The pause reasons of a configuration that names none. */
    public static final List<String> DEFAULT_PAUSE_REASONS = List.of("break", "training", "meeting", "administration");
    /** The wrap-up codes of a configuration that names none. */
    public static final List<String> DEFAULT_WRAP_UP_CODES = List.of("resolved", "referred", "callback-needed", "no-action");
    /** Most pause reasons or wrap-up codes a configuration may name. */
    public static final int MAX_CODES = 48;

    /** Highest priority; priorities run from 0 (normal) to this (most urgent). */
    public static final int MAX_PRIORITY = 9;
    /** Most queues a configuration may have. */
    public static final int MAX_QUEUES = 4096;
    /** Highest proficiency level of a skill. */
    public static final int MAX_LEVEL = 10;
    /**
     * Most routing lanes: a queue has one per (escalation tier, language) it distinguishes; an
     * agent's lane memberships must fit 12 bits of the core's idle index.
     */
    public static final int MAX_LANES = 4096;

    public RoutingConfig {
        skills = List.copyOf(skills);
        languages = List.copyOf(languages);
        prompts = List.copyOf(prompts);
        queues = List.copyOf(queues);
        agents = List.copyOf(agents);
        entries = List.copyOf(entries);
        flowNodes = List.copyOf(flowNodes);
        pauseReasons = List.copyOf(pauseReasons);
        wrapUpCodes = List.copyOf(wrapUpCodes);
    }

    /** With {@link WorkingDays#WEEKDAYS}. */
    public RoutingConfig(long version, List<String> skills, List<String> languages, List<String> prompts, List<QueueSpec> queues,
                         List<AgentSpec> agents, List<EntrySpec> entries, List<FlowNode> flowNodes, int maxLiveContacts,
                         List<String> pauseReasons, List<String> wrapUpCodes) {
        this(version, skills, languages, prompts, queues, agents, entries, flowNodes, maxLiveContacts, pauseReasons, wrapUpCodes,
                WorkingDays.WEEKDAYS);
    }

    /** With the default pause reasons and wrap-up codes, and {@link WorkingDays#WEEKDAYS}. */
    public RoutingConfig(long version, List<String> skills, List<String> languages, List<String> prompts, List<QueueSpec> queues,
                         List<AgentSpec> agents, List<EntrySpec> entries, List<FlowNode> flowNodes, int maxLiveContacts) {
        this(version, skills, languages, prompts, queues, agents, entries, flowNodes, maxLiveContacts, DEFAULT_PAUSE_REASONS,
                DEFAULT_WRAP_UP_CODES);
    }

    private static void codeNames(List<String> problems, String what, List<String> names) {
        if (names.size() > MAX_CODES) {
            problems.add(names.size() + " " + what + " is more than the " + MAX_CODES + " a configuration may name");
        }
        if (names.stream().anyMatch(String::isBlank) || names.stream().distinct().count() != names.size()) {
            problems.add(what + " " + names + " must be distinct, non-empty names");
        }
    }

    /** The agent id (roster place) of an agent's name, or -1 when the roster has no such agent; a scan (not for a hot path). */
    public int agentIndex(String name) {
        for (int a = 0; a < agents.size(); a++) {
            if (agents.get(a).name().equals(name)) {
                return a;
            }
        }
        return -1;
    }

    /** The reason code of a pause reason's name, or -1 when this configuration has no such reason. */
    public int pauseReasonCode(String name) {
        int index = pauseReasons.indexOf(name);
        return index < 0 ? -1 : org.loket.core.PauseReason.FIRST_OPERATOR_CODE + index;
    }

    /**
     * The name of a pause's reason code: one of {@link #pauseReasons}, {@code no-answer},
     * {@code logout-pending} and {@code phone-in-use} for Loket's own (an offer rang out; a logout
     * waits for the agent's last contact; the phone is in a call Loket did not make), or an empty
     * string for none or a code this configuration does not name.
     */
    public String pauseReasonName(int code) {
        int index = code - org.loket.core.PauseReason.FIRST_OPERATOR_CODE;
        if (index >= 0 && index < pauseReasons.size()) {
            return pauseReasons.get(index);
        }
        return switch (code) {
            case org.loket.core.PauseReason.NO_ANSWER -> "no-answer";
            case org.loket.core.PauseReason.LOGOUT_PENDING -> "logout-pending";
            case org.loket.core.PauseReason.PHONE_IN_USE -> "phone-in-use";
            default -> "";
        };
    }

    /**
     * Why an operator's pause reason may not be called {@code name}, or null when it may: the labels
     * {@link #pauseReasonLabel} gives the core's own reasons and unnamed codes are taken, so that a
     * report's or a wallboard's "no-answer" always means an offer that rang out.
     */
    public static String reservedPauseReasonName(String name) {
        return switch (name) {
            case "no-answer" -> "the core's own reason for an agent who let an offer ring out";
            case "logout-pending" -> "the core's own reason for an agent whose logout waits for its last contact";
            case "phone-in-use" -> "the phone channel's reason for an agent whose phone is in a call Loket did not make";
            case "none" -> "the label of a pause without a reason";
            default -> name.matches("code-[0-9]+") ? "the label of a reason code a configuration does not name" : null;
        };
    }

    /** {@link #pauseReasonName}, or {@code none} (no reason given) or {@code code-N} (one not named): a label for figures. */
    public String pauseReasonLabel(int code) {
        String name = pauseReasonName(code);
        return !name.isEmpty() ? name : code <= org.loket.core.PauseReason.UNSPECIFIED ? "none" : "code-" + code;
    }

    /** Why an operator's wrap-up code may not be called {@code name} ({@link #wrapUpCodeLabel}'s own), or null when it may. */
    public static String reservedWrapUpCodeName(String name) {
        return name.matches("code-[0-9]+") ? "the label of a wrap-up code a configuration does not name" : null;
    }

    /** A wrap-up code's name, or {@code code-N} for one this configuration does not name. */
    public String wrapUpCodeLabel(int code) {
        return code >= 0 && code < wrapUpCodes.size() ? wrapUpCodes.get(code) : "code-" + code;
    }

    /** The skill named like language {@code language}'s code, which the {@code language} requirement term stands for; -1 if none. */
    public int languageSkill(int language) {
        return language < 0 || language >= languages.size() ? -1 : skills.indexOf(languages.get(language));
    }

    /** Routing lanes queue {@code q} needs: one per tier (0..widenings) and, if it asks for the contact's language, per language. */
    public int lanesOf(int q) {
        QueueSpec queue = queues.get(q);
        return (queue.widenings() + 1) * (queue.usesLanguage() ? languages.size() : 1);
    }

    /**
     * Checks what the core relies on: every reference in range, every number in its domain. The
     * configuration module validates more, with file and line; this is the core's last defence.
     *
     * @return readable problems, empty when the configuration is usable
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (maxLiveContacts < 1) {
            problems.add("maxLiveContacts " + maxLiveContacts + " must be at least 1");
        }
        if (queues.size() > MAX_QUEUES) {
            problems.add(queues.size() + " queues is more than the " + MAX_QUEUES + " the core supports");
        }
        if (languages.isEmpty()) {
            problems.add("at least one language is needed");
        }
        codeNames(problems, "pause reasons", pauseReasons);
        codeNames(problems, "wrap-up codes", wrapUpCodes);
        for (int q = 0; q < queues.size(); q++) {
            QueueSpec queue = queues.get(q);
            String where = "queue '" + queue.name() + "'";
            if (queue.channel() == null) {
                problems.add(where + " has no channel");
            }
            requirementProblems(problems, where + " requirement", queue.requirement());
            Deflection deflection = queue.deflection();
            if (deflection == null || queue.selection() == null) {
                problems.add(where + " has no deflection or agent selection");
            } else {
                notNegative(problems, where + " maxWaiting", deflection.maxWaiting());
                notNegative(problems, where + " maxEwtMs", deflection.maxEwtMs());
                if (deflection.active()) {
                    if (deflection.action() == null || deflection.action() == EscalationStep.Action.WIDEN) {
                        problems.add(where + " deflection action must be CLOSE, OVERFLOW or OFFER_CALLBACK");
                    } else if (deflection.action() == EscalationStep.Action.OVERFLOW) {
                        inRange(problems, where + " deflection queue", deflection.queueId(), 0, queues.size() - 1);
                        if (deflection.queueId() == q) {
                            problems.add(where + " deflects into itself");
                        } else if (deflection.queueId() >= 0 && deflection.queueId() < queues.size()
                                && queues.get(deflection.queueId()).channel() != queue.channel()) {
                            problems.add(where + " deflects into a queue of another channel");
                        }
                    } else if (deflection.action() == EscalationStep.Action.CLOSE) {
                        inRange(problems, where + " deflection prompt", deflection.promptId(), 0, prompts.size() - 1);
                    }
                }
            }
            inRange(problems, where + " weightPercent", queue.weightPercent(), 1, 1000);
            inRange(problems, where + " serviceLevelTargetPercent", queue.serviceLevelTargetPercent(), 1, 100);
            notNegative(problems, where + " preferredAgentMs", queue.preferredAgentMs());
            long previousAfterMs = 0;
            for (int s = 0; s < queue.steps().size(); s++) {
                EscalationStep step = queue.steps().get(s);
                String stepWhere = where + " step " + (s + 1);
                if (step.action() == null) {
                    problems.add(stepWhere + " has no action");
                    continue;
                }
                if (step.afterMs() <= previousAfterMs) {
                    problems.add(stepWhere + " afterMs " + step.afterMs() + " must be later than " + previousAfterMs);
                }
                previousAfterMs = step.afterMs();
                switch (step.action()) {
                    case WIDEN -> requirementProblems(problems, stepWhere + " widen", step.widen());
                    case OVERFLOW -> {
                        inRange(problems, stepWhere + " overflow queue", step.overflowQueueId(), 0, queues.size() - 1);
                        if (step.overflowQueueId() == q) {
                            problems.add(stepWhere + " overflows into its own queue");
                        } else if (step.overflowQueueId() >= 0 && step.overflowQueueId() < queues.size()
                                && queues.get(step.overflowQueueId()).channel() != queue.channel()) {
                            problems.add(stepWhere + " overflows into a queue of another channel");
                        }
                    }
                    case CLOSE -> inRange(problems, stepWhere + " prompt", step.promptId(), 0, prompts.size() - 1);
                    case OFFER_CALLBACK -> { }
                }
            }
            inRange(problems, where + " defaultPriority", queue.defaultPriority(), 0, MAX_PRIORITY);
            notNegative(problems, where + " priorityAgingMs", queue.priorityAgingMs());
            notNegative(problems, where + " maxWrapUpMs", queue.maxWrapUpMs());
            if (queue.offerTimeoutMs() < 1) {
                problems.add(where + " offerTimeoutMs " + queue.offerTimeoutMs() + " must be at least 1");
            }
        }
        if (problems.isEmpty()) {
            int lanes = 0;
            for (int q = 0; q < queues.size(); q++) {
                lanes += lanesOf(q);
            }
            if (lanes > MAX_LANES) {
                problems.add(lanes + " routing lanes (queues x escalation tiers x languages) is more than the "
                        + MAX_LANES + " the core supports");
            }
        }
        for (AgentSpec agent : agents) {
            // Checked without building strings first: rosters have tens of thousands of agents.
            if (agent.skillLevels().length != skills.size()) {
                problems.add("agent '" + agent.name() + "' has " + agent.skillLevels().length + " skill levels for "
                        + skills.size() + " skills");
            }
            for (int level : agent.skillLevels()) {
                if (level < 0 || level > MAX_LEVEL) {
                    inRange(problems, "agent '" + agent.name() + "' skill level", level, 0, MAX_LEVEL);
                }
            }
            if (agent.capacityPerChannel().length != Channel.COUNT) {
                problems.add("agent '" + agent.name() + "' has " + agent.capacityPerChannel().length + " capacities for "
                        + Channel.COUNT + " channels");
            }
            for (int capacity : agent.capacityPerChannel()) {
                if (capacity < 0 || capacity > 64) {
                    inRange(problems, "agent '" + agent.name() + "' capacity", capacity, 0, 64);
                }
            }
        }
        for (EntrySpec entry : entries) {
            String where = "entry '" + entry.name() + "'";
            if ((entry.flowNodeId() < 0) == (entry.queueId() < 0)) {
                problems.add(where + " must name exactly one of a flow node or a queue");
            }
            if (entry.flowNodeId() >= 0) {
                inRange(problems, where + " flow node", entry.flowNodeId(), 0, flowNodes.size() - 1);
            }
            if (entry.queueId() >= 0) {
                inRange(problems, where + " queue", entry.queueId(), 0, queues.size() - 1);
            }
        }
        for (FlowNode node : flowNodes) {
            String where = "flow node '" + node.name() + "'";
            if (node.kind() == null) {
                problems.add(where + " has no kind");
                continue;
            }
            inRange(problems, where + " prompt", node.promptId(), 0, prompts.size() - 1);
            if (node.queueByChannel() != null) {
                if (node.queueByChannel().length != Channel.COUNT) {
                    problems.add(where + " has " + node.queueByChannel().length + " per-channel queues for "
                            + Channel.COUNT + " channels");
                }
                for (int queue : node.queueByChannel()) {
                    inRange(problems, where + " per-channel queue", queue, -1, queues.size() - 1);
                }
            }
            switch (node.kind()) {
                case MENU, LANGUAGE -> {
                    if (node.nextByInput() == null || node.nextByInput().length != FlowNode.INPUTS) {
                        problems.add(where + " needs " + FlowNode.INPUTS + " next-node entries");
                    } else {
                        for (int next : node.nextByInput()) {
                            inRange(problems, where + " next node", next, -1, flowNodes.size() - 1);
                        }
                    }
                    if (node.kind() == FlowNode.Kind.LANGUAGE && (node.languageByInput() == null
                            || node.languageByInput().length != FlowNode.INPUTS)) {
                        problems.add(where + " needs " + FlowNode.INPUTS + " language entries");
                    } else if (node.languageByInput() != null) {
                        for (int language : node.languageByInput()) {
                            inRange(problems, where + " language", language, -1, languages.size() - 1);
                        }
                    }
                    if (node.inputTimeoutMs() < 1) {
                        problems.add(where + " inputTimeoutMs " + node.inputTimeoutMs() + " must be at least 1");
                    }
                    notNegative(problems, where + " maxRetries", node.maxRetries());
                    inRange(problems, where + " fallback queue", node.fallbackQueueId(), 0, queues.size() - 1);
                }
                case QUEUE -> {
                    inRange(problems, where + " queue", node.queueId(), 0, queues.size() - 1);
                    inRange(problems, where + " priority", node.priority(), -1, MAX_PRIORITY);
                }
                case INFO -> {
                }
            }
        }
        return problems;
    }

    private void requirementProblems(List<String> problems, String where, Requirement requirement) {
        if (requirement == null || requirement.clauses().length == 0) {
            problems.add(where + " is empty");
            return;
        }
        for (int[] clause : requirement.clauses()) {
            if (clause.length == 0 || clause.length % 2 != 0) {
                problems.add(where + " has a clause of " + clause.length + " ints, not skill-level pairs");
                continue;
            }
            for (int t = 0; t < clause.length; t += 2) {
                if (clause[t] == Requirement.CONTACT_LANGUAGE) {
                    for (int language = 0; language < languages.size(); language++) {
                        if (languageSkill(language) < 0) {
                            problems.add(where + " asks for the contact's language, but no skill is named '"
                                    + languages.get(language) + "'");
                        }
                    }
                } else {
                    inRange(problems, where + " skill", clause[t], 0, skills.size() - 1);
                }
                inRange(problems, where + " level", clause[t + 1], 0, MAX_LEVEL);
            }
        }
    }

    private static void inRange(List<String> problems, String what, long value, long min, long max) {
        if (value < min || value > max) {
            problems.add(what + " " + value + " is outside " + min + ".." + max);
        }
    }

    private static void notNegative(List<String> problems, String what, long value) {
        if (value < 0) {
            problems.add(what + " " + value + " must not be negative");
        }
    }
}
