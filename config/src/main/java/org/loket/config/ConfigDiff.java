package org.loket.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.loket.core.config.AgentSpec;
import org.loket.core.config.EntrySpec;
import org.loket.core.config.FlowNode;
import org.loket.core.config.Deflection;
import org.loket.core.config.EscalationStep;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.RoutingConfig;

/**
 * What would change from one configuration to another, item by item and field by field, in the
 * operator's names (never ids): {@code loket config diff A B}.
 */
public final class ConfigDiff {
    /** Added or removed agents listed by name before the rest is summarised. */
    private static final int NAMES_SHOWN = 5;
    /** A roster group's agent name: the group's name, a dash, its number ({@code generalist-007}). */
    private static final java.util.regex.Pattern NUMBERED = java.util.regex.Pattern.compile("(.*-)(\\d{1,9})");

    private ConfigDiff() {
    }

    /** @return readable lines, empty when the two configurations route the same way with the same texts */
    public static List<String> diff(LoadedConfig a, LoadedConfig b) {
        List<String> lines = new ArrayList<>();
        RoutingConfig ra = a.routing();
        RoutingConfig rb = b.routing();
        if (ra.version() != rb.version()) {
            lines.add("version: " + ra.version() + " -> " + rb.version());
        }
        if (ra.maxLiveContacts() != rb.maxLiveContacts()) {
            lines.add("maxLiveContacts: " + ra.maxLiveContacts() + " -> " + rb.maxLiveContacts());
        }
        names(lines, "language", ra.languages(), rb.languages());
        names(lines, "skill", ra.skills(), rb.skills());
        items(lines, "prompt", prompts(a), prompts(b), Integer.MAX_VALUE);
        items(lines, "queue", describe(ra.queues(), QueueSpec::name, q -> queue(ra, q)),
                describe(rb.queues(), QueueSpec::name, q -> queue(rb, q)), Integer.MAX_VALUE);
        items(lines, "agent", agents(a), agents(b), NAMES_SHOWN);
        items(lines, "flow node", describe(ra.flowNodes(), FlowNode::name, n -> labelled(node(ra, n), a.chatbot(), n)),
                describe(rb.flowNodes(), FlowNode::name, n -> labelled(node(rb, n), b.chatbot(), n)), Integer.MAX_VALUE);
        items(lines, "entry", describe(ra.entries(), EntrySpec::name, e -> entry(ra, e)),
                describe(rb.entries(), EntrySpec::name, e -> entry(rb, e)), Integer.MAX_VALUE);
        items(lines, "hours", hours(a.hours()), hours(b.hours()), Integer.MAX_VALUE);
        items(lines, "holiday", holidays(a.hours()), holidays(b.hours()), Integer.MAX_VALUE);
        codes(lines, "pause reason", "pauseReasons", ra.pauseReasons(), rb.pauseReasons(),
                "the journal holds positions: a code now names another pause reason, in reports too");
        if (!keepsPlaces(ra.pauseReasons(), rb.pauseReasons())) {
            // The applier's check (ConfigApplier.pauseReasonsInUse), said ahead.
            lines.add("pauseReasons: a live reload of this waits while an agent is paused with a reason it drops or moves (and names them)");
        }
        // Nothing live holds a wrap-up code: each is given, by name or *57N, with the list in force
        // then, and journal readers label it with that list (ConfigApplierTest), so no wait and no
        // mislabelled report; what changes is the number behind a name.
        codes(lines, "wrap-up code", "wrapUpCodes", ra.wrapUpCodes(), rb.wrapUpCodes(),
                "a code is its place: from the reload on, an agent's phone dialling *57N gives another wrap-up code;"
                        + " codes given before keep their names in reports");
        items(lines, "supervisor", supervisors(a), supervisors(b), Integer.MAX_VALUE);
        return lines;
    }

    /** Per supervisor: whom they monitor as written (the roster's own lines show who that is) and the modes. */
    private static Map<String, Map<String, String>> supervisors(LoadedConfig config) {
        Map<String, Map<String, String>> items = new LinkedHashMap<>();
        for (Supervisor supervisor : config.supervisors()) {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("monitors", String.join(", ", supervisor.monitors()));
            fields.put("modes", String.join(", ", supervisor.modes().stream().sorted().map(Supervisor.Mode::label).toList()));
            items.put(supervisor.name(), fields);
        }
        return items;
    }

    /**
     * Names whose position is their journaled code: added and removed ones, and a line with both
     * lists when a name kept its place no longer (a code then means another name).
     */
    /** @param moved what it means that a name moved, said when one did */
    private static void codes(List<String> lines, String kind, String section, List<String> a, List<String> b, String moved) {
        names(lines, kind, a, b);
        int common = Math.min(a.size(), b.size());
        if (!a.subList(0, common).equals(b.subList(0, common))) {
            lines.add(section + ": " + a + " -> " + b + " (" + moved + ")");
        }
    }

    /** Whether every name of {@code a} keeps its place in {@code b}. */
    private static boolean keepsPlaces(List<String> a, List<String> b) {
        return b.size() >= a.size() && b.subList(0, a.size()).equals(a);
    }

    private static void names(List<String> lines, String kind, List<String> a, List<String> b) {
        b.stream().filter(n -> !a.contains(n)).forEach(n -> lines.add("+ " + kind + " " + n));
        a.stream().filter(n -> !b.contains(n)).forEach(n -> lines.add("- " + kind + " " + n));
    }

    /** Items by name, each a map of field to value; added, removed and changed fields become lines. */
    private static void items(List<String> lines, String kind, Map<String, Map<String, String>> a,
                              Map<String, Map<String, String>> b, int namesShown) {
        List<String> added = b.keySet().stream().filter(n -> !a.containsKey(n)).toList();
        List<String> removed = a.keySet().stream().filter(n -> !b.containsKey(n)).toList();
        summarise(lines, "+ " + kind, added, b, namesShown);
        summarise(lines, "- " + kind, removed, a, namesShown);
        // Per field, the items whose value changed: more than namesShown of them make one line.
        Map<String, List<String>> changedByField = new LinkedHashMap<>();
        List<String[]> changes = new ArrayList<>(); // {item, field, was, now}
        for (Map.Entry<String, Map<String, String>> item : a.entrySet()) {
            Map<String, String> after = b.get(item.getKey());
            if (after == null) {
                continue;
            }
            java.util.Set<String> fields = new java.util.LinkedHashSet<>(item.getValue().keySet());
            fields.addAll(after.keySet()); // a field an item may leave out (an agent's breaks)
            for (String field : fields) {
                String was = item.getValue().getOrDefault(field, "(none)");
                String now = after.getOrDefault(field, "(none)");
                if (!was.equals(now)) {
                    changes.add(new String[] {item.getKey(), field, was, now});
                    changedByField.computeIfAbsent(field, f -> new ArrayList<>()).add(item.getKey());
                }
            }
        }
        for (String[] change : changes) {
            if (changedByField.get(change[1]).size() <= namesShown) {
                lines.add("~ " + kind + " " + change[0] + ": " + change[1] + " " + change[2] + " -> " + change[3]);
            }
        }
        changedByField.forEach((field, names) -> {
            if (names.size() > namesShown) {
                String[] first = changes.stream().filter(c -> c[1].equals(field)).findFirst().orElseThrow();
                lines.add("~ " + names.size() + " " + kind + "s: " + field + " changed (" + shown(names, namesShown)
                        + "; e.g. " + first[0] + ": " + first[2] + " -> " + first[3] + ")");
            }
        });
    }

    private static void summarise(List<String> lines, String prefix, List<String> names, Map<String, Map<String, String>> from,
                                  int namesShown) {
        if (names.size() <= namesShown) {
            names.forEach(n -> lines.add(prefix + " " + n + " " + from.get(n)));
        } else {
            lines.add(prefix + "s (" + names.size() + "): " + shown(names, namesShown));
        }
    }

    /**
     * Many names, short: runs of a roster group's numbered agents as one range ({@code evening-102..107}:
     * a count changed shows as the numbers it adds or takes), every range while there are at most
     * twice {@code namesShown}, else the first {@code namesShown} and how many names are left.
     */
    static String shown(List<String> names, int namesShown) {
        List<String> ranges = new ArrayList<>();
        int namesInShownRanges = 0;
        for (int i = 0; i < names.size(); ) {
            java.util.regex.Matcher first = NUMBERED.matcher(names.get(i));
            int end = i + 1;
            while (first.matches() && end < names.size() && follows(names.get(end), first, end - i)) {
                end++;
            }
            ranges.add(end - i == 1 ? names.get(i) : names.get(i) + ".." + NUMBERED.matcher(names.get(end - 1)).replaceFirst("$2"));
            if (ranges.size() <= namesShown) {
                namesInShownRanges = end;
            }
            i = end;
        }
        return ranges.size() <= 2 * namesShown ? String.join(", ", ranges)
                : String.join(", ", ranges.subList(0, namesShown)) + ", ... (" + (names.size() - namesInShownRanges) + " more)";
    }

    /** Whether {@code name} is {@code first}'s group's agent {@code step} numbers on, written as wide. */
    private static boolean follows(String name, java.util.regex.Matcher first, int step) {
        java.util.regex.Matcher m = NUMBERED.matcher(name);
        return m.matches() && m.group(1).equals(first.group(1)) && m.group(2).length() == first.group(2).length()
                && Long.parseLong(m.group(2)) == Long.parseLong(first.group(2)) + step;
    }

    private static <T> Map<String, Map<String, String>> describe(List<T> items, Function<T, String> name,
                                                                 Function<T, Map<String, String>> fields) {
        Map<String, Map<String, String>> result = new LinkedHashMap<>();
        items.forEach(item -> result.put(name.apply(item), fields.apply(item)));
        return result;
    }

    private static Map<String, Map<String, String>> prompts(LoadedConfig config) {
        Map<String, Map<String, String>> result = new LinkedHashMap<>();
        config.promptTexts().forEach((key, texts) -> {
            Map<String, String> quoted = new LinkedHashMap<>();
            texts.forEach((language, text) -> quoted.put(language, '"' + text + '"'));
            config.chatbot().prompts().getOrDefault(key, Map.of())
                    .forEach((language, text) -> quoted.put(ConfigLoader.CHAT_WORDING + "." + language, '"' + text + '"'));
            result.put(key, quoted);
        });
        return result;
    }

    /** A flow node's fields with its options' chatbot labels ({@code options.N.label.LANGUAGE}). */
    private static Map<String, String> labelled(Map<String, String> fields, ChatbotTexts chatbot, FlowNode node) {
        chatbot.optionLabels().getOrDefault(node.name(), Map.of()).forEach((input, texts) -> texts.forEach((language, text) ->
                fields.put("options." + FlowNode.inputName(input) + ".label." + language, '"' + text + '"')));
        return fields;
    }

    private static String step(RoutingConfig c, EscalationStep step) {
        String after = "after " + seconds(step.afterMs()) + " s: ";
        return after + switch (step.action()) {
            case WIDEN -> "widen to " + step.widen().describe(c.skills());
            case OVERFLOW -> "overflow to " + c.queues().get(step.overflowQueueId()).name();
            case OFFER_CALLBACK -> "offer a callback";
            case CLOSE -> "close with " + c.prompts().get(step.promptId());
        };
    }

    private static Map<String, String> queue(RoutingConfig c, QueueSpec q) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("channel", q.channel().name().toLowerCase(Locale.ROOT));
        f.put("requires", q.requirement().describe(c.skills()));
        for (int s = 0; s < q.steps().size(); s++) {
            f.put("escalation[" + s + "]", step(c, q.steps().get(s)));
        }
        if (q.deflection().active()) {
            Deflection d = q.deflection();
            f.put("deflect", "at " + (d.maxWaiting() > 0 ? d.maxWaiting() + " waiting" : "")
                    + (d.maxWaiting() > 0 && d.maxEwtMs() > 0 ? " or " : "") + (d.maxEwtMs() > 0 ? seconds(d.maxEwtMs()) + " s wait" : "")
                    + ": " + switch (d.action()) {
                        case OVERFLOW -> "overflow to " + c.queues().get(d.queueId()).name();
                        case OFFER_CALLBACK -> "offer a callback";
                        default -> "close with " + c.prompts().get(d.promptId());
                    });
        }
        if (q.selection() != org.loket.core.config.AgentSelection.LONGEST_IDLE) {
            f.put("selection", q.selection().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        if (q.preferredAgentMs() > 0) {
            f.put("preferredAgentSeconds", seconds(q.preferredAgentMs()));
        }
        if (q.deferrable()) {
            f.put("deferrable", "true");
        }
        if (q.weightPercent() != 100) {
            f.put("weight", Integer.toString(q.weightPercent()));
        }
        f.put("priority", Integer.toString(q.defaultPriority()));
        f.put("priorityAgingSeconds", seconds(q.priorityAgingMs()));
        f.put("offerTimeoutSeconds", seconds(q.offerTimeoutMs()));
        f.put("wrapUpSeconds", seconds(q.maxWrapUpMs()));
        if (q.serviceLevelOnWorkingDays()) {
            f.put("serviceLevelWorkingDays", Long.toString(q.serviceLevelMs() / 86_400_000L));
        } else {
            f.put("serviceLevelSeconds", seconds(q.serviceLevelMs()));
        }
        if (q.serviceLevelTargetPercent() != QueueSpec.DEFAULT_SERVICE_LEVEL_TARGET_PERCENT) {
            f.put("serviceLevelPercent", Integer.toString(q.serviceLevelTargetPercent()));
        }
        return f;
    }

    private static Map<String, Map<String, String>> agents(LoadedConfig config) {
        RoutingConfig c = config.routing();
        Map<String, Map<String, String>> result = new LinkedHashMap<>();
        for (int i = 0; i < c.agents().size(); i++) {
            AgentSpec agent = c.agents().get(i);
            Map<String, String> f = new LinkedHashMap<>();
            List<String> skills = new ArrayList<>();
            for (int s = 0; s < agent.skillLevels().length; s++) {
                if (agent.skillLevels()[s] > 0) {
                    skills.add(c.skills().get(s) + ":" + agent.skillLevels()[s]);
                }
            }
            f.put("skills", "{" + String.join(", ", skills) + "}");
            f.put("capacity", Arrays.toString(agent.capacityPerChannel()));
            AgentPlan plan = config.plans().get(i);
            f.put("shift", plan.shift().toString());
            if (!plan.everyDay()) {
                f.put("days", plan.daysText());
            }
            if (!plan.breaks().isEmpty()) {
                f.put("breaks", plan.breaks().toString());
            }
            Integer number = config.agentNumbers().get(agent.name());
            if (number != null) {
                f.put("number", number.toString()); // what supervisors dial: it moves with the roster without extensions
            }
            result.put(agent.name(), f);
        }
        return result;
    }

    private static Map<String, String> node(RoutingConfig c, FlowNode n) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("kind", n.kind().name().toLowerCase(Locale.ROOT));
        f.put("prompt", c.prompts().get(n.promptId()));
        if (n.nextByInput() != null) {
            List<String> options = new ArrayList<>();
            for (int i = 0; i < n.nextByInput().length; i++) {
                if (n.nextByInput()[i] >= 0) {
                    String language = n.languageByInput() != null && n.languageByInput()[i] >= 0
                            ? " (" + c.languages().get(n.languageByInput()[i]) + ")" : "";
                    options.add(FlowNode.inputName(i) + ": " + c.flowNodes().get(n.nextByInput()[i]).name() + language);
                }
            }
            f.put("options", "{" + String.join(", ", options) + "}");
            f.put("fallbackQueue", n.fallbackQueueId() >= 0 ? c.queues().get(n.fallbackQueueId()).name() : "none");
            f.put("inputTimeoutSeconds", seconds(n.inputTimeoutMs()));
            List<String> timeoutChannels = new ArrayList<>();
            for (org.loket.core.Channel channel : org.loket.core.Channel.values()) {
                if (n.timesOut(channel.code())) {
                    timeoutChannels.add(channel.name().toLowerCase(Locale.ROOT));
                }
            }
            f.put("inputTimeoutChannels", timeoutChannels.toString());
            f.put("maxRetries", Integer.toString(n.maxRetries()));
        }
        if (n.kind() == FlowNode.Kind.QUEUE) {
            f.put("queue", c.queues().get(n.queueId()).name());
            f.put("priority", n.priority() < 0 ? "the queue's" : Integer.toString(n.priority()));
        }
        if (n.queueByChannel() != null) {
            List<String> byChannel = new ArrayList<>();
            for (int channel = 0; channel < n.queueByChannel().length; channel++) {
                if (n.queueByChannel()[channel] >= 0) {
                    byChannel.add(org.loket.core.Channel.ofCode(channel).name().toLowerCase(Locale.ROOT) + ": "
                            + c.queues().get(n.queueByChannel()[channel]).name());
                }
            }
            f.put("byChannel", "{" + String.join(", ", byChannel) + "}");
        }
        return f;
    }

    private static Map<String, String> entry(RoutingConfig c, EntrySpec e) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("flow", e.flowNodeId() >= 0 ? c.flowNodes().get(e.flowNodeId()).name() : "none");
        f.put("queue", e.queueId() >= 0 ? c.queues().get(e.queueId()).name() : "none");
        return f;
    }


    private static String seconds(long ms) {
        return ms % 1000 == 0 ? Long.toString(ms / 1000) : String.format(Locale.ROOT, "%.3f", ms / 1000.0);
    }

    /** The helpdesk's hours and each queue's own, as items "helpdesk" and "queue NAME". */
    private static Map<String, Map<String, String>> hours(OpeningHours h) {
        Map<String, Map<String, String>> result = new LinkedHashMap<>();
        Map<String, String> helpdesk = week(h.helpdesk());
        helpdesk.put("zone", h.zone().getId());
        result.put("helpdesk", helpdesk);
        new java.util.TreeMap<>(h.queues()).forEach((queue, hours) -> result.put("of queue " + queue, week(hours)));
        return result;
    }

    private static Map<String, String> week(OpeningHours.Hours hours) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("weekdays", hours.weekdays() == null ? "closed" : hours.weekdays().toString());
        f.put("weekend", hours.weekend() == null ? "closed" : hours.weekend().toString());
        f.put("closedPrompt", String.valueOf(hours.closedPrompt()));
        f.put("holidayPrompt", hours.holidayPrompt() == null ? "the closedPrompt" : hours.holidayPrompt());
        if (hours.openOnHolidays()) {
            f.put("openOnHolidays", "true");
        }
        return f;
    }

    private static Map<String, Map<String, String>> holidays(OpeningHours h) {
        Map<String, Map<String, String>> result = new LinkedHashMap<>();
        h.holidays().forEach((date, name) -> result.put(date.toString(), Map.of("name", name.isEmpty() ? "-" : name)));
        return result;
    }
}
