package org.loket.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.loket.core.Channel;
import org.loket.core.config.AgentSelection;
import org.loket.core.config.AgentSpec;
import org.loket.core.config.Deflection;
import org.loket.core.config.EntrySpec;
import org.loket.core.config.EscalationStep;
import org.loket.core.config.FlowNode;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.Requirement;
import org.loket.core.config.RoutingConfig;
import org.loket.core.config.WorkingDays;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a configuration folder (every {@code *.yaml} and {@code *.yml} file in it, in name order; each top-level
 * section may come from any file) into a validated {@link LoadedConfig}. Every problem names the
 * file, line, field and value, and says what would be valid; all problems are collected before
 * failing. The YAML schema is documented in {@code config/default/routing.yaml}.
 *
 * <p>A value YAML reads as null ({@code name: ~}, {@code name: null}, {@code name:} with nothing
 * after it; {@link YamlFile#isNull}) never becomes text such as "~" or "null". A field or section of
 * the format given without a value counts as left out: an optional one takes its default, a required
 * one is refused as having no value, on its own line. A list item, or the value under a name the
 * operator chose (a skill's level, a prompt's text in a language, a menu option), must have one.
 * Supervisors' {@code monitors} and {@code modes} are the exception: left out they grant all agents
 * and all modes, so an empty one is refused rather than read as everything.
 */
public final class ConfigLoader {
    /** The configuration shipped in the jar, used when no folder is given. */
    public static final String EMBEDDED_DEFAULT = "embedded default";
    private static final String DEFAULT_RESOURCE = "/org/loket/config/default/";
    private static final List<String> DEFAULT_FILES = List.of("routing.yaml");
    /** The key under a prompt that holds the chatbot's wording of it, per language. */
    static final String CHAT_WORDING = "chat";
    /** Said of a section refused as a whole, whose names the rest of the configuration is then not checked against. */
    private static final String UNREAD = "; what refers to its names is checked once this is fixed";
    private static final List<String> SECTIONS = List.of("version", "maxLiveContacts", "languages", "skills", "prompts",
            "queues", "agents", "flows", "entries", "hours", "pauseReasons", "wrapUpCodes", "supervisors");

    private ConfigLoader() {
    }

    /** Loads the embedded default configuration (config/default in the repository). */
    public static LoadedConfig loadDefault() throws ConfigException {
        Map<String, String> texts = new LinkedHashMap<>();
        for (String name : DEFAULT_FILES) {
            try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_RESOURCE + name)) {
                if (in == null) {
                    throw new IllegalStateException("the embedded default configuration " + name + " is missing from the jar");
                }
                texts.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the embedded default configuration " + name, e);
            }
        }
        return parse(texts, EMBEDDED_DEFAULT);
    }

    /** Loads a folder of YAML files (or a single YAML file). */
    public static LoadedConfig load(Path folder) throws ConfigException {
        List<Path> files;
        try {
            if (Files.isRegularFile(folder)) {
                files = List.of(folder);
            } else {
                try (Stream<Path> list = Files.list(folder)) {
                    files = list.filter(p -> p.getFileName().toString().endsWith(".yaml")
                            || p.getFileName().toString().endsWith(".yml")).sorted().toList();
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException(List.of(new ConfigProblem(folder.toString(), 0, "", "",
                    "no such folder or file (a configuration is a folder of *.yaml files, e.g. config/default)", false)));
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigProblem(folder.toString(), 0, "", "", "cannot read: " + reason(e), false)));
        }
        if (files.isEmpty()) {
            throw new ConfigException(List.of(new ConfigProblem(folder.toString(), 0, "", "",
                    "no *.yaml or *.yml files in this folder", false)));
        }
        Map<String, String> texts = new LinkedHashMap<>();
        List<ConfigProblem> unreadable = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            try {
                String text = utf8(name, Files.readAllBytes(file), unreadable);
                if (text != null) {
                    texts.put(name, text);
                }
            } catch (IOException e) {
                unreadable.add(new ConfigProblem(name, 0, "", "", "cannot read: " + reason(e), false));
            }
        }
        if (!unreadable.isEmpty()) {
            throw new ConfigException(unreadable);
        }
        return parse(texts, folder.toString());
    }

    /** Why a file could not be read, without the JDK's exception names ("permission denied", not "AccessDeniedException: x"). */
    private static String reason(IOException e) {
        return e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null ? fs.getReason()
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * {@code bytes} as strict UTF-8 text, or null after adding a problem at the
     * line and column of the first byte that is not UTF-8 (a file saved as Windows-1252 or Latin-1): the
     * JDK's own message ("Input length = 1") names neither.
     */
    private static String utf8(String file, byte[] bytes, List<ConfigProblem> problems) {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
        java.nio.charset.CoderResult result = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).decode(in, out, true);
        if (result.isError()) {
            String before = out.flip().toString();
            int line = 1 + (int) before.chars().filter(c -> c == '\n').count();
            int column = before.length() - before.lastIndexOf('\n');
            problems.add(new ConfigProblem(file, line, "", "", "not UTF-8 text at column " + column + " (byte 0x"
                    + String.format("%02x", bytes[in.position()] & 0xff) + ": saved as Windows-1252 or Latin-1?); save the file as UTF-8",
                    false));
            return null;
        }
        return out.flip().toString(); // a byte order mark (Notepad's "UTF-8 with BOM") is the YAML parser's to skip
    }

    /**
     * Parses named YAML texts as one configuration. A mistake that hides what a whole file or section
     * holds (a file that is not YAML, a section of the wrong shape or given in two files) is reported
     * once, and what only follows from it is not: a name its items would have defined is not reported
     * as unknown wherever it is used.
     */
    public static LoadedConfig parse(Map<String, String> textsByFile, String source) throws ConfigException {
        Problems problems = new Problems();
        Map<String, Located> sections = new LinkedHashMap<>();
        Map<String, Located> sectionKeys = new HashMap<>(); // where each section's name is first written
        // Per file, the sections it gives again, by the file that gave them first.
        Map<String, Map<String, List<NodeTuple>>> repeated = new LinkedHashMap<>();
        boolean unreadFile = false;
        for (Map.Entry<String, String> file : textsByFile.entrySet()) {
            Node root = YamlFile.read(file.getKey(), file.getValue(), problems.all);
            if (root == null) {
                unreadFile = true;
                continue;
            }
            if (!(root instanceof MappingNode mapping)) {
                problems.error(file.getKey(), root, "", "the file must be a mapping of sections (" + SECTIONS + ")");
                unreadFile = true;
                continue;
            }
            for (NodeTuple tuple : mapping.getValue()) {
                String key = scalar(tuple.getKeyNode());
                if (!SECTIONS.contains(key)) {
                    problems.error(file.getKey(), tuple.getKeyNode(), key, "unknown section; valid sections: " + SECTIONS);
                } else if (sectionKeys.containsKey(key)) {
                    repeated.computeIfAbsent(file.getKey(), f -> new LinkedHashMap<>())
                            .computeIfAbsent(sectionKeys.get(key).file, f -> new ArrayList<>()).add(tuple);
                } else {
                    sectionKeys.put(key, new Located(file.getKey(), tuple.getKeyNode()));
                    if (!YamlFile.isNull(tuple.getValueNode())) {
                        // A section without a value is left out, as a field is (see the class comment).
                        sections.put(key, new Located(file.getKey(), tuple.getValueNode()));
                    }
                }
            }
        }
        if (unreadFile) {
            // The sections of a file that could not be read are unknown: every name they define would be
            // reported as missing wherever it is used. The file's own problem is the one to fix first.
            throw new ConfigException(problems.all);
        }
        Set<String> givenTwice = new java.util.HashSet<>();
        repeated.forEach((file, byFirst) -> byFirst.forEach((first, tuples) -> {
            List<String> keys = tuples.stream().map(t -> scalar(t.getKeyNode())).toList();
            givenTwice.addAll(keys);
            int[] firstLines = keys.stream().mapToInt(k -> line(sectionKeys.get(k).node)).sorted().toArray();
            problems.all.add(new ConfigProblem(file, line(tuples.get(0).getKeyNode()), keys.size() == 1 ? keys.get(0) : "", "",
                    keys.size() == 1 ? "section given in two files: first in " + first + ":" + firstLines[0]
                            + "; give each section in one file (a section's items are not merged across files)"
                            : "sections " + keys + " given in two files: first in " + first + ", lines " + firstLines[0] + "-"
                            + firstLines[firstLines.length - 1] + "; give each section in one file (is one file a copy of the other?)",
                    false));
        }));
        Builder builder = new Builder(sections, givenTwice, problems);
        RoutingConfig config = builder.build();
        if (problems.hasErrors()) {
            throw new ConfigException(problems.all);
        }
        for (String coreProblem : config.problems()) {
            problems.all.add(new ConfigProblem(source, 0, "", "", coreProblem, false));
        }
        if (problems.hasErrors()) {
            throw new ConfigException(problems.all);
        }
        return new LoadedConfig(config, builder.promptTexts, builder.plans, builder.hours, source, problems.warnings(),
                builder.entryByNumber, builder.supervisors, builder.agentNumbers,
                new ChatbotTexts(builder.chatPrompts, builder.optionLabels));
    }

    /** A scalar's text; empty for a mapping, a list or a null ({@link YamlFile#isNull}), so "~" never becomes a name. */
    static String scalar(Node node) {
        return node instanceof ScalarNode s && !YamlFile.isNull(s) ? s.getValue() : "";
    }

    /** A scalar as the operator wrote it ("~", "null" included), for a problem's value. */
    private static String written(Node node) {
        return node instanceof ScalarNode s ? s.getValue() : "";
    }

    static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    private record Located(String file, Node node) {
    }

    /** Collects problems; the configuration is refused if any is an error. */
    static final class Problems {
        /** How a problem of a field or item given without a value begins. */
        static final String NO_VALUE = "has no value";
        final List<ConfigProblem> all = new ArrayList<>();
        /** Name maps of sections not read whole (the wrong shape, or given in two files), by identity. */
        private final Set<Object> unread = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

        /** {@code names} lacks names its section may define: a name missing from it is no news (the section's error said why). */
        void unread(Object names) {
            unread.add(names);
        }

        /** Whether {@code names} holds every name its section defines, so that a name not in it is a mistake worth reporting. */
        boolean complete(Object names) {
            return !unread.contains(names);
        }

        void error(String file, Node node, String field, String message) {
            error(file, node, field, written(node), message);
        }

        /**
         * An error at {@code node} showing {@code value}; when the node has no value (YAML null), the
         * message says so first, whatever check found it ("has no value; must be a name").
         */
        void error(String file, Node node, String field, String value, String message) {
            String said = YamlFile.isNull(node) && !message.startsWith(NO_VALUE) ? NO_VALUE + "; " + message : message;
            all.add(new ConfigProblem(file, line(node), field, value, said, false));
        }

        /**
         * A value that names nothing known: "{@code what}; valid: ...", or for a node without a value
         * "has no value; valid: ...".
         */
        void unknown(String file, Node node, String field, String what, Object valid) {
            error(file, node, field, (YamlFile.isNull(node) ? "" : what + "; ") + "valid: " + valid);
        }

        void warning(String file, Node node, String field, String message) {
            all.add(new ConfigProblem(file, line(node), field, written(node), message, true));
        }

        boolean hasErrors() {
            return all.stream().anyMatch(p -> !p.warning());
        }

        List<ConfigProblem> warnings() {
            return all.stream().filter(ConfigProblem::warning).toList();
        }
    }

    /** Turns the sections into a {@link RoutingConfig}, resolving names to ids. */
    private static final class Builder {
        private final Map<String, Located> sections;
        private final Problems problems;
        private final Map<String, Integer> skills = new LinkedHashMap<>();
        private final Map<String, Integer> languages = new LinkedHashMap<>();
        private final Map<String, Integer> pauseReasons = new LinkedHashMap<>();
        private final Map<String, Integer> wrapUpCodes = new LinkedHashMap<>();
        private final Map<String, Integer> prompts = new LinkedHashMap<>();
        private final Map<String, Integer> queues = new LinkedHashMap<>();
        private final List<Channel> queueChannels = new ArrayList<>();
        private final Map<String, Integer> nodes = new LinkedHashMap<>();
        final Map<String, Map<String, String>> promptTexts = new LinkedHashMap<>();
        /** The chatbot's wording per prompt key ({@code prompts.KEY.chat}) and its buttons' labels per node and input. */
        final Map<String, Map<String, String>> chatPrompts = new LinkedHashMap<>();
        final Map<String, Map<Integer, Map<String, String>>> optionLabels = new LinkedHashMap<>();
        final Map<String, String> entryByNumber = new LinkedHashMap<>();
        private final Map<Integer, Boolean> skillUsed = new HashMap<>();
        /** Per agent id, when it works. */
        final List<AgentPlan> plans = new ArrayList<>();
        private final List<BreakReason> breakReasons = new ArrayList<>();
        private final List<Located> queueNodes = new ArrayList<>();
        /** Where each flow node is written, by id. */
        private final List<Located> flowNodeAt = new ArrayList<>();
        /** Agent names per roster group ({@code agents[].name}) and per {@code team}, for supervisors' {@code monitors}. */
        private final Map<String, List<String>> agentsByGroup = new LinkedHashMap<>();
        private final Map<String, List<String>> agentsByTeam = new LinkedHashMap<>();
        /** Where a requirement first named each {@code team:NAME}, to warn about a team nobody is in. */
        private final Map<String, Located> teamFirstNamed = new LinkedHashMap<>();
        private final Map<String, String> teamFirstField = new HashMap<>();
        final List<Supervisor> supervisors = new ArrayList<>();
        /** Agents' numbers (what a supervisor's phone dials) from the groups' {@code extension}s, and voice groups without one. */
        private final Map<Integer, String> numberedAgents = new java.util.TreeMap<>();
        private final Map<String, Located> unnumberedGroups = new LinkedHashMap<>();
        final Map<String, Integer> agentNumbers = new LinkedHashMap<>();
        OpeningHours hours = OpeningHours.ALWAYS;
        /** The dates of one-off shifts, checked against the holidays once the hours are read. */
        private final List<DatedShift> datedShifts = new ArrayList<>();

        private record DatedShift(String file, Node node, String field, java.time.LocalDate date) {
        }

        Builder(Map<String, Located> sections, Set<String> givenTwice, Problems problems) {
            this.sections = sections;
            this.problems = problems;
            givenTwice.forEach(this::unread);
        }

        /** {@code section} is not read whole: what refers to its names is not checked against them. */
        private void unread(String section) {
            switch (section) {
                case "skills" -> problems.unread(skills);
                case "languages" -> problems.unread(languages);
                case "prompts" -> problems.unread(prompts);
                case "queues" -> problems.unread(queues);
                case "flows" -> problems.unread(nodes);
                case "agents" -> problems.unread(agentsByGroup);
                case "pauseReasons" -> problems.unread(pauseReasons);
                case "wrapUpCodes" -> problems.unread(wrapUpCodes);
                default -> {
                    // no other section defines names
                }
            }
        }

        /** Whether every queue's requirement is known, so that a skill no queue uses is worth a warning. */
        private boolean skillUseKnown() {
            return problems.complete(queues) && problems.complete(languages);
        }

        RoutingConfig build() {
            long version = number("version", 1, 0, Long.MAX_VALUE);
            int maxLive = (int) number("maxLiveContacts", 65_536, 1, 1 << 24);
            names("languages", languages, List.of("nl"));
            names("skills", skills, List.of());
            readPrompts();
            List<QueueSpec> queueSpecs = readQueues();
            List<FlowNode> flowNodes = readFlows();
            List<AgentSpec> agents = readAgents();
            warnTeamsNobodyIsIn();
            List<EntrySpec> entries = readEntries();
            numberAgents(agents);
            readSupervisors(agents);
            readHours();
            warnDatedShiftsOnHolidays();
            readCodeNames("pauseReasons", pauseReasons, RoutingConfig.DEFAULT_PAUSE_REASONS,
                    "a phone can pause with the first nine only (*561..*569); the desktop lists them all",
                    RoutingConfig::reservedPauseReasonName);
            readCodeNames("wrapUpCodes", wrapUpCodes, RoutingConfig.DEFAULT_WRAP_UP_CODES, null,
                    RoutingConfig::reservedWrapUpCodeName);
            for (BreakReason reason : breakReasons) {
                if (!pauseReasons.containsKey(reason.name()) && problems.complete(pauseReasons)) {
                    problems.error(reason.file(), reason.node(), reason.field(), "'" + reason.name() + "' is not a pause reason"
                            + (reason.given() ? "" : " (the default when none is given)") + "; valid: " + pauseReasons.keySet());
                }
            }
            RoutingConfig routing = new RoutingConfig(version, List.copyOf(skills.keySet()), List.copyOf(languages.keySet()),
                    List.copyOf(prompts.keySet()), queueSpecs, agents, entries, flowNodes, maxLive,
                    List.copyOf(pauseReasons.keySet()), List.copyOf(wrapUpCodes.keySet()),
                    new WorkingDays(hours.zone().getId(), List.copyOf(hours.holidays().keySet())));
            boolean[] left = problems.hasErrors() ? null : queuesContactsLeave(routing);
            for (int q = 0; q < queueSpecs.size() && !problems.hasErrors(); q++) {
                QueueSpec queue = queueSpecs.get(q);
                if (!left[q] && sections.containsKey("agents")) {
                    Located at = queueNodes.get(q);
                    problems.warning(at.file, at.node, "queues[" + q + "]", "no agent meets '" + queue.requirement().describe(routing.skills())
                            + "' with room for " + queue.channel().name().toLowerCase(Locale.ROOT) + ", not even after escalation: contacts in '"
                            + queue.name() + "' would wait for ever");
                }
            }
            if (!problems.hasErrors() && queueSpecs.stream().anyMatch(q -> q.channel() == org.loket.core.Channel.VOICE)) {
                List<String> missing = PhonePrompts.ALL.stream().filter(name -> !prompts.containsKey(name)).toList();
                if (!missing.isEmpty()) {
                    Located at = sections.containsKey("prompts") ? sections.get("prompts") : sections.get("queues");
                    problems.warning(at.file, at.node, "prompts", "the phone channel plays " + missing
                            + " by name (waiting callers, callbacks, agents' presence codes): with voice queues, callers or agents would hear nothing there");
                }
            }
            for (Map.Entry<String, Integer> skill : skills.entrySet()) {
                if (!skillUsed.containsKey(skill.getValue()) && skillUseKnown()) {
                    Located at = sections.get("skills");
                    problems.warning(at.file, at.node, "skills", "skill '" + skill.getKey() + "' is used by no queue");
                }
            }
            if (!problems.hasErrors()) {
                warnUnreachedNodes(routing);
                warnQueuesOnlyTransfersReach(routing);
            }
            return routing;
        }

        /**
         * Names each queue no route leads to: no entry starts there, no flow node hands contacts to
         * it (a queue leaf, a menu's fallback, a {@code byChannel} queue of either), no escalation step
         * or deflection overflows to it. Agents can still transfer contacts there, so a warning: a
         * queue kept for transfers (a second line) is a design; a queue whose flow leaf was rewired
         * elsewhere, or whose overflow was dropped, is a slip the check would otherwise not show.
         * A leaf of a node no entry reaches counts as a route here: that node has its own warning.
         */
        private void warnQueuesOnlyTransfersReach(RoutingConfig routing) {
            boolean[] routed = new boolean[routing.queues().size()];
            for (EntrySpec entry : routing.entries()) {
                routes(routed, entry.queueId());
            }
            for (FlowNode node : routing.flowNodes()) {
                routes(routed, node.kind() == FlowNode.Kind.QUEUE ? node.queueId() : node.fallbackQueueId());
                for (int n = 0; node.queueByChannel() != null && n < node.queueByChannel().length; n++) {
                    routes(routed, node.queueByChannel()[n]);
                }
            }
            for (QueueSpec queue : routing.queues()) {
                for (EscalationStep step : queue.steps()) {
                    if (step.action() == EscalationStep.Action.OVERFLOW) {
                        routes(routed, step.overflowQueueId());
                    }
                }
                if (queue.deflection().active() && queue.deflection().action() == EscalationStep.Action.OVERFLOW) {
                    routes(routed, queue.deflection().queueId());
                }
            }
            for (int q = 0; q < routed.length; q++) {
                if (!routed[q]) {
                    Located at = queueNodes.get(q);
                    problems.warning(at.file, at.node, "queues[" + q + "]", "queue '" + routing.queues().get(q).name()
                            + "': no entry, flow leaf, menu fallback, escalation step or deflection routes to it; only agents'"
                            + " transfers reach it");
                }
            }
        }

        private static void routes(boolean[] routed, int queue) {
            if (queue >= 0 && queue < routed.length) {
                routed[queue] = true;
            }
        }

        /**
         * Names each flow node no contact can get to: an entry starts a flow and a menu's options lead
         * on, nothing else enters a node. A warning, not an error: operators stage a menu before they
         * wire it (add it in one reload, point an option at it in the next), keep a seasonal one ready,
         * or keep a node they unwired while callers still in it finish (a reload may not remove a node
         * a contact is in). A misspelt option target is an error already; this finds the node that
         * lost its last way in.
         */
        private void warnUnreachedNodes(RoutingConfig routing) {
            List<FlowNode> flowNodes = routing.flowNodes();
            boolean[] reached = new boolean[flowNodes.size()];
            java.util.ArrayDeque<Integer> toVisit = new java.util.ArrayDeque<>();
            for (EntrySpec entry : routing.entries()) {
                if (entry.flowNodeId() >= 0 && !reached[entry.flowNodeId()]) {
                    reached[entry.flowNodeId()] = true;
                    toVisit.add(entry.flowNodeId());
                }
            }
            while (!toVisit.isEmpty()) {
                int[] next = flowNodes.get(toVisit.poll()).nextByInput();
                for (int n = 0; next != null && n < next.length; n++) {
                    if (next[n] >= 0 && !reached[next[n]]) {
                        reached[next[n]] = true;
                        toVisit.add(next[n]);
                    }
                }
            }
            for (int n = 0; n < flowNodes.size(); n++) {
                if (reached[n]) {
                    continue;
                }
                int target = n;
                List<String> from = flowNodes.stream().filter(other -> other.nextByInput() != null
                        && Arrays.stream(other.nextByInput()).anyMatch(id -> id == target)).map(FlowNode::name).toList();
                FlowNode node = flowNodes.get(n);
                Located at = flowNodeAt.get(n);
                problems.warning(at.file, at.node, "flows[" + n + "]", switch (node.kind()) {
                    case MENU -> "menu";
                    case LANGUAGE -> "language menu";
                    case INFO -> "info node";
                    case QUEUE -> "queue node";
                } + " '" + node.name() + "' is reached from no entry: " + (from.isEmpty()
                        ? "no entry starts at it and no menu option leads to it"
                        : "only options of " + from + " lead to it, which no entry reaches either")
                        + " (fine while it is staged; callers and chats never get there)");
            }
        }

        /**
         * Per queue: whether its contacts get out of it, through an agent who serves it (after its
         * widenings), a close step, or an overflow step to a queue they get out of.
         */
        private static boolean[] queuesContactsLeave(RoutingConfig routing) {
            List<QueueSpec> queues = routing.queues();
            boolean[] left = new boolean[queues.size()];
            for (int q = 0; q < left.length; q++) {
                QueueSpec queue = queues.get(q);
                left[q] = routing.agents().stream().anyMatch(a -> queue.servedAtAllBy(a, routing))
                        || queue.steps().stream().anyMatch(step -> step.action() == EscalationStep.Action.CLOSE);
            }
            for (boolean changed = true; changed; ) {
                changed = false;
                for (int q = 0; q < left.length; q++) {
                    if (!left[q] && queues.get(q).steps().stream().anyMatch(step ->
                            step.action() == EscalationStep.Action.OVERFLOW && left[step.overflowQueueId()])) {
                        left[q] = true;
                        changed = true;
                    }
                }
            }
            return left;
        }

        private long number(String section, long defaultValue, long min, long max) {
            Located at = sections.get(section);
            if (at == null) {
                return defaultValue;
            }
            return new Fields(at.file, section, at.node, problems).integer(at.node, section, min, max);
        }

        private void names(String section, Map<String, Integer> into, List<String> defaults) {
            names(section, into, defaults, name -> null);
        }

        private void names(String section, Map<String, Integer> into, List<String> defaults,
                           UnaryOperator<String> reserved) {
            Located at = sections.get(section);
            if (at == null) {
                defaults.forEach(n -> into.put(n, into.size()));
                return;
            }
            if (!(at.node instanceof SequenceNode list)) {
                String one = at.node instanceof ScalarNode ? scalar(at.node).trim() : "";
                problems.error(at.file, at.node, section, "must be a list of names" + (one.isEmpty() ? ", e.g. [a, b]" : ": write [" + one + "]")
                        + UNREAD);
                unread(section);
                return;
            }
            for (int i = 0; i < list.getValue().size(); i++) {
                Node item = list.getValue().get(i);
                String name = scalar(item);
                String taken = name.isBlank() ? null : reserved.apply(name);
                if (name.isBlank()) {
                    problems.error(at.file, item, section + "[" + i + "]", "must be a name");
                } else if (taken != null) {
                    problems.error(at.file, item, section + "[" + i + "]", "'" + name + "' is reserved: " + taken);
                } else if (into.putIfAbsent(name, into.size()) != null) {
                    problems.error(at.file, item, section + "[" + i + "]", "duplicate name");
                }
            }
        }

        /**
         * {@code pauseReasons} or {@code wrapUpCodes}: distinct names, at most {@link RoutingConfig#MAX_CODES};
         * {@code pastNine}, when given, warns about the tenth and later (a phone dials one digit);
         * {@code reserved} says why a name is taken, or null when it is free.
         */
        private void readCodeNames(String section, Map<String, Integer> into, List<String> defaults, String pastNine,
                                   UnaryOperator<String> reserved) {
            names(section, into, defaults, reserved);
            Located at = sections.get(section);
            if (at == null) {
                return;
            }
            if (into.size() > RoutingConfig.MAX_CODES) {
                problems.error(at.file, at.node, section, into.size() + " names; at most " + RoutingConfig.MAX_CODES);
            } else if (pastNine != null && into.size() > 9) {
                problems.warning(at.file, at.node, section, into.size() + " names: " + pastNine);
            }
        }

        private void readPrompts() {
            Located at = sections.get("prompts");
            if (at == null) {
                return;
            }
            if (!(at.node instanceof MappingNode map)) {
                problems.error(at.file, at.node, "prompts", "must map prompt keys to texts per language" + UNREAD);
                unread("prompts");
                return;
            }
            for (NodeTuple tuple : map.getValue()) {
                String key = scalar(tuple.getKeyNode());
                prompts.putIfAbsent(key, prompts.size());
                Map<String, String> texts = new LinkedHashMap<>();
                if (tuple.getValueNode() instanceof MappingNode byLanguage) {
                    for (NodeTuple text : byLanguage.getValue()) {
                        String language = scalar(text.getKeyNode());
                        if (language.equals(CHAT_WORDING)) {
                            if (!YamlFile.isNull(text.getValueNode())) { // optional: without a value, left out
                                chatPrompts.put(key, texts(at.file, text.getValueNode(), "prompts." + key + "." + CHAT_WORDING, text.getKeyNode()));
                            }
                            continue;
                        }
                        if (!languages.containsKey(language)) {
                            if (problems.complete(languages)) {
                                problems.error(at.file, text.getKeyNode(), "prompts." + key,
                                        "unknown language; valid: " + languages.keySet() + " (or '" + CHAT_WORDING + "': the chatbot's wording)");
                            }
                        } else if (YamlFile.isNull(text.getValueNode())) {
                            problems.error(at.file, text.getValueNode(), "prompts." + key + "." + language,
                                    "give the text, or leave '" + language + "' out");
                        }
                        texts.put(language, scalar(text.getValueNode()));
                    }
                    warnMissingLanguages(at.file, tuple.getKeyNode(), "prompts." + key, texts, "text");
                } else {
                    problems.error(at.file, tuple.getValueNode(), "prompts." + key, "must map language codes to texts");
                }
                promptTexts.put(key, texts);
            }
        }

        /**
         * Texts per language ({@code {nl: "...", en: "..."}}) of a chat wording or a button label; a
         * language the configuration lacks is an error, a language it has but the texts lack a warning.
         */
        private Map<String, String> texts(String file, Node value, String field, Node owner) {
            Map<String, String> texts = new LinkedHashMap<>();
            if (!(value instanceof MappingNode byLanguage)) {
                problems.error(file, value, field, "must map language codes to texts, e.g. {" + String.join(": ..., ", languages.keySet()) + ": ...}");
                return texts;
            }
            for (NodeTuple text : byLanguage.getValue()) {
                String language = scalar(text.getKeyNode());
                if (!languages.containsKey(language)) {
                    if (problems.complete(languages)) {
                        problems.error(file, text.getKeyNode(), field, "unknown language; valid: " + languages.keySet());
                    }
                } else if (scalar(text.getValueNode()).isBlank()) {
                    problems.error(file, text.getValueNode(), field + "." + language, "must not be empty");
                } else {
                    texts.put(language, scalar(text.getValueNode()));
                }
            }
            warnMissingLanguages(file, owner, field, texts, "text");
            return texts;
        }

        private void warnMissingLanguages(String file, Node node, String field, Map<String, String> texts, String what) {
            for (String language : languages.keySet()) {
                if (!texts.containsKey(language)) {
                    problems.warning(file, node, field, "has no " + what + " in '" + language + "'");
                }
            }
        }

        /** A required prompt key's id, or -1 after reporting it left out, given without a value or unknown. */
        private int prompt(Fields f, MappingNode item, String key) {
            Node node = f.given(item, key);
            if (node == null) {
                problems.error(f.file, item, f.path + "." + key, "is required: a prompt key; valid: " + prompts.keySet());
                return -1;
            }
            String name = scalar(node);
            Integer id = prompts.get(name);
            if (id == null) {
                if (problems.complete(prompts)) {
                    problems.unknown(f.file, node, f.path + "." + key, "no such prompt in 'prompts'", prompts.keySet());
                }
                return -1;
            }
            return id;
        }

        private List<QueueSpec> readQueues() {
            List<QueueSpec> result = new ArrayList<>();
            List<Runnable> resolveSteps = new ArrayList<>();
            forEachItem("queues", (f, item) -> {
                queueNodes.add(new Located(f.file, item));
                String name = f.name(item);
                Channel channel = f.channel(item, "channel");
                Requirement requirement = requirement(f, item);
                QueueSpec declared = new QueueSpec(name, channel, requirement,
                        (int) f.optionalInt(item, "priority", 0, 0, RoutingConfig.MAX_PRIORITY),
                        f.optionalInt(item, "priorityAgingSeconds", 0, 0, 86_400) * 1000,
                        f.optionalInt(item, "offerTimeoutSeconds", 15, 1, 600) * 1000,
                        f.optionalInt(item, "wrapUpSeconds", 0, 0, 3_600) * 1000,
                        f.optionalInt(item, "serviceLevelSeconds", 40, 1, 86_400 * 7) * 1000, List.of())
                        .withServiceLevelTargetPercent((int) f.optionalInt(item, "serviceLevelPercent",
                                QueueSpec.DEFAULT_SERVICE_LEVEL_TARGET_PERCENT, 1, 100));
                Node workingDays = f.node(item, "serviceLevelWorkingDays");
                if (workingDays != null) {
                    if (f.node(item, "serviceLevelSeconds") != null) {
                        problems.error(f.file, workingDays, f.path + ".serviceLevelWorkingDays",
                                "give serviceLevelSeconds (time waited) or serviceLevelWorkingDays (working time), not both");
                    }
                    long days = f.integer(workingDays, f.path + ".serviceLevelWorkingDays", 1, 30);
                    declared = declared.withServiceLevel(days * 86_400_000L, true);
                }
                QueueSpec spec = declared;
                f.only(item, "name", "channel", "skill", "minLevel", "requires", "priority", "priorityAgingSeconds",
                        "offerTimeoutSeconds", "wrapUpSeconds", "serviceLevelSeconds", "serviceLevelWorkingDays", "serviceLevelPercent",
                        "escalation", "deflect",
                        "selection", "weight", "deferrable", "preferredAgentSeconds");
                // A queue's id is its place in the list, also after a duplicate name (which keeps the first
                // queue's id): counting names instead would shift every later queue onto its neighbour's
                // channel and give one error per reference to it.
                int index = result.size();
                Integer first = queues.putIfAbsent(name, index);
                if (first != null) {
                    problems.error(f.file, f.node(item, "name") == null ? item : f.node(item, "name"), f.path + ".name", "duplicate queue name: queues[" + first
                            + "] on line " + line(queueNodes.get(first).node) + " has it already");
                }
                queueChannels.add(channel);
                result.add(spec);
                // Steps may overflow into queues defined further down: read them once every queue is known.
                AgentSelection selection = selection(f, item);
                int weight = (int) f.optionalInt(item, "weight", 100, 1, 1000);
                boolean deferrable = flag(f, item, "deferrable");
                long preferredAgentMs = f.optionalInt(item, "preferredAgentSeconds", 0, 0, 7 * 86_400) * 1000;
                if (deferrable && channel == Channel.VOICE) {
                    problems.error(f.file, f.node(item, "deferrable"), f.path + ".deferrable", "a call cannot be deferred: only "
                            + "chat, e-mail and social work may be interrupted by a call");
                }
                resolveSteps.add(() -> result.set(index, spec.withSteps(escalation(f, item, index, channel))
                        .withPolicies(deflection(f, item, index, channel), selection, weight).withDeferrable(deferrable)
                        .withPreferredAgentMs(preferredAgentMs)));
            });
            resolveSteps.forEach(Runnable::run);
            return result;
        }

        /** {@code requires: EXPRESSION}, or the shorthand {@code skill: NAME} with an optional {@code minLevel}. */
        private Requirement requirement(Fields f, MappingNode item) {
            Node requires = f.given(item, "requires");
            Node skillNode = f.node(item, "skill");
            if (requires != null && (skillNode != null || f.node(item, "minLevel") != null)) {
                problems.error(f.file, requires, f.path + ".requires", "give either 'requires' or 'skill' (with 'minLevel'), not both");
            }
            if (requires != null) {
                return expression(f, requires, f.path + ".requires");
            }
            // The shorthand names a skill of 'skills'; a team (a skill only inside requirements) was
            // taken only when an earlier queue's 'requires' had named it, so it is refused alike.
            if (skillNode != null && scalar(skillNode).startsWith("team:")) {
                problems.error(f.file, skillNode, f.path + ".skill", "'" + scalar(skillNode) + "' is a team, not a skill: "
                        + "a queue served by a team says so with requires: \"" + scalar(skillNode) + "\"");
                return Requirement.skill(0, 1);
            }
            int skill = f.reference(item, "skill", skills, true, skillNames());
            skillUsed.put(skill, true);
            return Requirement.skill(Math.max(skill, 0), (int) f.optionalInt(item, "minLevel", 1, 1, RoutingConfig.MAX_LEVEL));
        }

        /**
         * A requirement naming a team no agent is in (a misspelt {@code team:senoirs}) never matches:
         * harmless in an alternative or an escalation step until the day it is needed, so say so.
         */
        private void warnTeamsNobodyIsIn() {
            if (!sections.containsKey("agents") || !problems.complete(agentsByGroup)) {
                return;
            }
            teamFirstNamed.forEach((team, at) -> {
                if (!agentsByTeam.containsKey(team.substring(5))) {
                    problems.warning(at.file, at.node, teamFirstField.get(team), "no agent of the roster is in " + team
                            + "; teams: " + agentsByTeam.keySet());
                }
            });
        }

        /**
         * Parses a requirement expression. {@code team:NAME} names a team, which becomes a skill of
         * its own that agents of the team have at level 1.
         */
        private Requirement expression(Fields f, Node node, String field) {
            String text = scalar(node);
            try {
                Requirement requirement = RequirementParser.parse(text, name -> {
                    if (name.startsWith("team:") && name.length() > 5) {
                        skills.putIfAbsent(name, skills.size());
                        if (teamFirstNamed.putIfAbsent(name, new Located(f.file, node)) == null) {
                            teamFirstField.put(name, field);
                        }
                    }
                    // Skills not read whole: an unknown name is no news, and the rest of the expression is still checked.
                    return skills.getOrDefault(name, problems.complete(skills) ? -1 : 0);
                });
                for (int[] clause : requirement.clauses()) {
                    for (int t = 0; t < clause.length; t += 2) {
                        if (clause[t] == Requirement.CONTACT_LANGUAGE) {
                            for (String language : languages.keySet()) {
                                if (!skills.containsKey(language) && problems.complete(skills)) {
                                    problems.error(f.file, node, field, "'language' needs a skill named '" + language
                                            + "' for each language; add it to 'skills' and to the agents who speak it");
                                } else if (skills.containsKey(language)) {
                                    skillUsed.put(skills.get(language), true);
                                }
                            }
                        } else {
                            skillUsed.put(clause[t], true);
                        }
                    }
                }
                return requirement;
            } catch (RequirementParser.SyntaxError e) {
                problems.error(f.file, node, field, e.getMessage() + " at column " + e.column
                        + "; write e.g. \"digid >= 3 and language or team:seniors\" with skills " + skillNames());
                return Requirement.skill(0, 1);
            }
        }

        /** The skills of the {@code skills} section, without the {@code team:NAME} skills requirements made of teams. */
        private List<String> skillNames() {
            return skills.keySet().stream().filter(n -> !n.startsWith("team:")).toList();
        }

        private boolean flag(Fields f, MappingNode item, String key) {
            Node node = f.node(item, key);
            if (node == null) {
                return false;
            }
            String value = scalar(node);
            if (!value.equals("true") && !value.equals("false")) {
                problems.error(f.file, node, f.path + "." + key, "must be true or false");
            }
            return value.equals("true");
        }

        private AgentSelection selection(Fields f, MappingNode item) {
            Node node = f.node(item, "selection");
            if (node == null) {
                return AgentSelection.LONGEST_IDLE;
            }
            String value = scalar(node);
            for (AgentSelection selection : AgentSelection.values()) {
                if (selection.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(value)) {
                    return selection;
                }
            }
            problems.error(f.file, node, f.path + ".selection", "valid: longest-idle, most-skilled, least-skilled, least-occupied, round-robin");
            return AgentSelection.LONGEST_IDLE;
        }

        /**
         * {@code deflect: {maxWaiting: N, maxWaitSeconds: S, close: PROMPT | overflow: QUEUE | offerCallback: true}}:
         * what a contact about to join meets when the queue is full or its estimated wait too long.
         */
        private Deflection deflection(Fields f, MappingNode queue, int queueIndex, Channel channel) {
            Node node = f.node(queue, "deflect");
            if (node == null) {
                return Deflection.NONE;
            }
            String path = f.path + ".deflect";
            if (!(node instanceof MappingNode map)) {
                problems.error(f.file, node, path, "must be a mapping: {maxWaiting: 50, maxWaitSeconds: 600, close: a-prompt}");
                return Deflection.NONE;
            }
            Fields df = new Fields(f.file, path, map, problems);
            df.only(map, "maxWaiting", "maxWaitSeconds", "close", "overflow", "offerCallback");
            int maxWaiting = (int) df.optionalInt(map, "maxWaiting", 0, 1, 1_000_000);
            long maxWaitMs = df.optionalInt(map, "maxWaitSeconds", 0, 1, 86_400) * 1000;
            if (maxWaiting == 0 && maxWaitMs == 0) {
                problems.error(f.file, map, path, "needs maxWaiting or maxWaitSeconds (or both): when to deflect");
            }
            String action = oneAction(df, map, path, List.of("close", "overflow", "offerCallback"),
                    "close (a prompt), overflow (a queue), offerCallback (true)");
            if (action == null) {
                return Deflection.NONE;
            }
            return switch (action) {
                case "close" -> new Deflection(maxWaiting, maxWaitMs, EscalationStep.Action.CLOSE, -1,
                        Math.max(prompt(df, map, "close"), 0));
                case "overflow" -> {
                    int target = df.reference(map, "overflow", queues, true);
                    if (target == queueIndex) {
                        problems.error(f.file, df.node(map, "overflow"), path + ".overflow", "a queue cannot deflect into itself");
                    } else if (target >= 0 && queueChannels.get(target) != channel) {
                        problems.error(f.file, df.node(map, "overflow"), path + ".overflow", "deflection needs a queue of the same channel ("
                                + channel.name().toLowerCase(Locale.ROOT) + ")");
                    }
                    yield new Deflection(maxWaiting, maxWaitMs, EscalationStep.Action.OVERFLOW, Math.max(target, 0), -1);
                }
                default -> {
                    if (!"true".equals(scalar(df.given(map, "offerCallback")))) {
                        problems.error(f.file, df.given(map, "offerCallback"), path + ".offerCallback", "must be true");
                    }
                    yield new Deflection(maxWaiting, maxWaitMs, EscalationStep.Action.OFFER_CALLBACK, -1, -1);
                }
            };
        }

        /** The one action key the mapping has out of {@code actions}; else reports it and returns null. */
        private String oneAction(Fields f, MappingNode map, String path, List<String> actions, String help) {
            // An action given without a value is still the action meant: its reader says it has no value.
            List<String> given = actions.stream().filter(a -> f.given(map, a) != null).toList();
            if (given.size() != 1) {
                problems.error(f.file, map, path, (given.isEmpty() ? "has no action" : "has " + given.size() + " actions " + given)
                        + "; give exactly one of " + help);
                return null;
            }
            return given.get(0);
        }

        private List<EscalationStep> escalation(Fields f, MappingNode queue, int queueIndex, Channel channel) {
            Node node = f.node(queue, "escalation");
            List<EscalationStep> steps = new ArrayList<>();
            if (node == null) {
                return steps;
            }
            if (!(node instanceof SequenceNode list)) {
                problems.error(f.file, node, f.path + ".escalation", "must be a list of steps, each with 'after' (seconds) and one "
                        + "of widen, overflow, offerCallback, close");
                return steps;
            }
            long previousSeconds = 0;
            for (int i = 0; i < list.getValue().size(); i++) {
                Node stepNode = list.getValue().get(i);
                String path = f.path + ".escalation[" + i + "]";
                if (!(stepNode instanceof MappingNode step)) {
                    problems.error(f.file, stepNode, path, "must be a mapping with 'after' and one action");
                    continue;
                }
                Fields sf = new Fields(f.file, path, step, problems);
                sf.only(step, "after", "widen", "overflow", "offerCallback", "close");
                Node afterNode = sf.given(step, "after");
                long seconds = afterNode == null ? 0 : sf.integer(afterNode, path + ".after", 1, 86_400);
                if (afterNode == null) {
                    problems.error(f.file, step, path + ".after", "is required: seconds in the queue after which the step acts");
                } else if (seconds <= previousSeconds) {
                    problems.error(f.file, afterNode, path + ".after", "must be later than the previous step's " + previousSeconds
                            + " s: steps act in order");
                }
                previousSeconds = Math.max(previousSeconds, seconds);
                String action = oneAction(sf, step, path, List.of("widen", "overflow", "offerCallback", "close"),
                        "widen (an expression), overflow (a queue), offerCallback (true), close (a prompt)");
                if (action == null) {
                    continue;
                }
                long afterMs = seconds * 1000;
                switch (action) {
                    case "widen" -> steps.add(EscalationStep.widen(afterMs, expression(sf, sf.given(step, "widen"), path + ".widen")));
                    case "overflow" -> {
                        int target = sf.reference(step, "overflow", queues, true);
                        if (target == queueIndex) {
                            problems.error(f.file, sf.node(step, "overflow"), path + ".overflow", "a queue cannot overflow into itself");
                        } else if (target >= 0 && queueChannels.get(target) != channel) {
                            problems.error(f.file, sf.node(step, "overflow"), path + ".overflow", "queue '"
                                    + scalar(sf.node(step, "overflow")) + "' is for " + queueChannels.get(target).name().toLowerCase(Locale.ROOT)
                                    + "; overflow needs a queue of the same channel (" + channel.name().toLowerCase(Locale.ROOT) + ")");
                        }
                        steps.add(EscalationStep.overflow(afterMs, Math.max(target, 0)));
                    }
                    case "offerCallback" -> {
                        if (!"true".equals(scalar(sf.given(step, "offerCallback")))) {
                            problems.error(f.file, sf.given(step, "offerCallback"), path + ".offerCallback", "must be true");
                        }
                        steps.add(EscalationStep.offerCallback(afterMs));
                    }
                    default -> steps.add(EscalationStep.close(afterMs, Math.max(prompt(sf, step, "close"), 0)));
                }
            }
            return steps;
        }

        private List<AgentSpec> readAgents() {
            List<AgentSpec> result = new ArrayList<>();
            Map<String, String> names = new HashMap<>(); // agent name -> the group (agents[i]) that has it
            forEachItem("agents", (f, item) -> {
                String name = f.name(item);
                int count = (int) f.optionalInt(item, "count", 1, 1, 100_000);
                int[] levels = new int[skills.size()];
                Node skillsNode = f.given(item, "skills");
                if (skillsNode instanceof MappingNode map) {
                    for (NodeTuple tuple : map.getValue()) {
                        String skill = scalar(tuple.getKeyNode());
                        if (skill.startsWith("team:")) {
                            // A team is a skill inside (expression), but one given here would make the agents
                            // team members for routing only: supervisors' monitors and the roster would not know.
                            problems.error(f.file, tuple.getKeyNode(), f.path + ".skills", "'" + skill + "' is a team, not a skill: "
                                    + "teams are given with 'team: " + skill.substring(5) + "' on the agent or group");
                            continue;
                        }
                        Integer id = skills.get(skill);
                        if (id == null) {
                            if (problems.complete(skills)) {
                                problems.error(f.file, tuple.getKeyNode(), f.path + ".skills", "no such skill; valid: " + skillNames());
                            }
                            continue;
                        }
                        levels[id] = (int) f.integer(tuple.getValueNode(), f.path + ".skills." + skill, 1, RoutingConfig.MAX_LEVEL);
                        if (!skillUsed.containsKey(id) && skillUseKnown()) {
                            problems.warning(f.file, tuple.getKeyNode(), f.path + ".skills." + skill,
                                    "no queue needs this skill: agents of '" + name + "' are never offered anything for it");
                        }
                    }
                } else {
                    problems.error(f.file, skillsNode == null ? item : skillsNode, f.path + ".skills",
                            "must map skill names to levels 1.." + RoutingConfig.MAX_LEVEL);
                }
                int[] capacity = {1, 3, 1, 1};
                Node capacityNode = f.node(item, "capacity");
                if (capacityNode instanceof MappingNode map) {
                    for (NodeTuple tuple : map.getValue()) {
                        Channel channel = f.channelOf(tuple.getKeyNode(), f.path + ".capacity");
                        if (channel != null) {
                            capacity[channel.code()] = (int) f.integer(tuple.getValueNode(),
                                    f.path + ".capacity." + scalar(tuple.getKeyNode()), 0, 64);
                        }
                    }
                } else if (capacityNode != null) {
                    problems.error(f.file, capacityNode, f.path + ".capacity", "must map channels to contact counts");
                }
                Node teamNode = f.node(item, "team");
                if (teamNode != null) {
                    Integer teamSkill = skills.get("team:" + scalar(teamNode));
                    if (teamSkill == null && skillUseKnown()) {
                        problems.warning(f.file, teamNode, f.path + ".team", "no queue asks for team:" + scalar(teamNode)
                                + ": the team changes nothing in routing");
                    } else if (teamSkill != null) {
                        levels[teamSkill] = 1;
                    }
                }
                f.only(item, "name", "count", "team", "skills", "capacity", "shifts", "extension");
                Node extensionNode = f.node(item, "extension");
                int extension = extensionNode == null ? 0 : (int) f.integer(extensionNode, f.path + ".extension", 1, 999_999);
                List<AgentPlan> groupPlans = readShifts(f, item, count);
                if (!groupPlans.isEmpty()) {
                    count = groupPlans.size();
                }
                // A group's name or extension taken by another group is one mistake: one error per group,
                // not one per agent of a group of fifty.
                List<String> takenNames = new ArrayList<>();
                String takenBy = null;
                String takenNumber = null;
                int takenNumbers = 0;
                for (int i = 1; i <= count; i++) {
                    String agentName = count == 1 && f.node(item, "count") == null && groupPlans.size() <= 1
                            ? name : String.format(Locale.ROOT, "%s-%03d", name, i);
                    String earlierGroup = names.putIfAbsent(agentName, f.path);
                    if (earlierGroup != null) {
                        takenBy = takenNames.isEmpty() ? earlierGroup : takenBy;
                        takenNames.add(agentName);
                    }
                    result.add(new AgentSpec(agentName, levels.clone(), capacity.clone()));
                    agentsByGroup.computeIfAbsent(name, g -> new ArrayList<>()).add(agentName);
                    if (extension > 0) {
                        String earlier = numberedAgents.putIfAbsent(extension + i - 1, agentName);
                        if (earlier != null && takenNumbers++ == 0) {
                            takenNumber = "agent " + agentName + " would have extension " + (extension + i - 1) + ", which is "
                                    + earlier + "'s already";
                        }
                    } else if (capacity[Channel.VOICE.code()] > 0) {
                        unnumberedGroups.putIfAbsent(name, new Located(f.file, item));
                    }
                    if (teamNode != null) {
                        agentsByTeam.computeIfAbsent(scalar(teamNode), t -> new ArrayList<>()).add(agentName);
                    }
                    plans.add(groupPlans.isEmpty() ? AgentPlan.ALL_DAY : groupPlans.get(i - 1));
                }
                if (!takenNames.isEmpty()) {
                    Node nameNode = f.node(item, "name");
                    problems.error(f.file, nameNode == null ? item : nameNode, f.path + ".name", (takenNames.size() == 1
                            ? "duplicate agent name '" + takenNames.get(0) + "': " + takenBy + " has it already"
                            : "duplicate agent names '" + takenNames.get(0) + "' .. '" + takenNames.getLast() + "' ("
                                    + takenNames.size() + " agents): " + takenBy + " has them already"));
                }
                if (takenNumber != null) {
                    problems.error(f.file, extensionNode, f.path + ".extension", takenNumber
                            + (takenNumbers > 1 ? " (and " + (takenNumbers - 1) + " more of this group's agents)" : ""));
                }
            });
            return result;
        }

        /**
         * Agents' numbers, what a supervisor's phone dials: the extensions where groups give them
         * (stable across roster changes), else every agent's place in the roster (1 = the first).
         */
        private void numberAgents(List<AgentSpec> agents) {
            if (numberedAgents.isEmpty()) {
                for (int a = 0; a < agents.size(); a++) {
                    agentNumbers.put(agents.get(a).name(), a + 1);
                }
            } else {
                numberedAgents.forEach((number, agent) -> agentNumbers.put(agent, number));
                if (sections.containsKey("supervisors")) {
                    unnumberedGroups.forEach((group, at) -> problems.warning(at.file, at.node, "agents",
                            "group '" + group + "' takes calls but has no extension while other groups have one: supervisors cannot listen in on its agents by phone"));
                }
            }
        }

        /**
         * {@code supervisors}: who may listen in on whose calls. {@code monitors} names roster groups
         * ({@code agents[].name}), teams ({@code team:NAME}) or {@code all} (the default); {@code modes}
         * lists listen, whisper, barge (default all three).
         */
        private void readSupervisors(List<AgentSpec> agents) {
            Map<String, Boolean> names = new HashMap<>();
            agents.forEach(a -> names.put(a.name(), false));
            List<String> allAgents = agents.stream().map(AgentSpec::name).toList();
            forEachItem("supervisors", (f, item) -> {
                String name = f.name(item);
                Boolean earlier = names.putIfAbsent(name, true);
                if (earlier != null) {
                    problems.error(f.file, f.node(item, "name"), f.path + ".name", (earlier ? "duplicate supervisor name '"
                            : "'") + name + (earlier ? "'" : "' is an agent's name; a supervisor's phone endpoint needs a name of its own"));
                }
                f.only(item, "name", "monitors", "modes");
                java.util.Set<String> monitored = new java.util.LinkedHashSet<>();
                List<String> written = new ArrayList<>();
                // Left out, monitors and modes grant all; given without a value they are refused, never read as all.
                Node monitors = f.given(item, "monitors");
                if (monitors == null) {
                    written.add("all");
                    monitored.addAll(allAgents);
                } else if (!(monitors instanceof SequenceNode list)) {
                    problems.error(f.file, monitors, f.path + ".monitors", "must be a list of agent groups, team:NAME or all");
                } else {
                    for (int i = 0; i < list.getValue().size(); i++) {
                        Node group = list.getValue().get(i);
                        String key = scalar(group).trim();
                        written.add(key);
                        List<String> members = key.equals("all") ? allAgents
                                : key.startsWith("team:") ? agentsByTeam.get(key.substring(5)) : agentsByGroup.get(key);
                        if (members == null && !problems.complete(agentsByGroup)) {
                            continue; // the agents' section's error said why its groups and teams are unknown
                        }
                        if (members == null) {
                            List<String> valid = new ArrayList<>(List.of("all"));
                            valid.addAll(agentsByGroup.keySet());
                            agentsByTeam.keySet().forEach(t -> valid.add("team:" + t));
                            problems.unknown(f.file, group, f.path + ".monitors[" + i + "]", "no such agent group or team", valid);
                        } else {
                            monitored.addAll(members);
                        }
                    }
                }
                EnumSet<Supervisor.Mode> modes = EnumSet.noneOf(Supervisor.Mode.class);
                Node modesNode = f.given(item, "modes");
                if (modesNode == null) {
                    modes = EnumSet.allOf(Supervisor.Mode.class);
                } else if (!(modesNode instanceof SequenceNode list) || list.getValue().isEmpty()) {
                    problems.error(f.file, modesNode, f.path + ".modes", "must be a list of listen, whisper, barge");
                } else {
                    for (int i = 0; i < list.getValue().size(); i++) {
                        Node mode = list.getValue().get(i);
                        Supervisor.Mode known = Supervisor.Mode.ofLabel(scalar(mode).trim());
                        if (known == null) {
                            problems.error(f.file, mode, f.path + ".modes[" + i + "]", "valid modes: listen, whisper, barge");
                        } else {
                            modes.add(known);
                        }
                    }
                }
                supervisors.add(new Supervisor(name, written, monitored, modes));
            });
        }

        /**
         * A group's shifts, one plan per agent ({@code count} agents work each listed shift);
         * empty when the group has none. A group's {@code count}, if given, must equal their sum.
         */
        private List<AgentPlan> readShifts(Fields f, MappingNode item, int groupCount) {
            Node node = f.node(item, "shifts");
            if (node == null) {
                return List.of();
            }
            List<AgentPlan> perAgent = new ArrayList<>();
            if (!(node instanceof SequenceNode list)) {
                problems.error(f.file, node, f.path + ".shifts", "must be a list of {start: HH:MM, end: HH:MM, count: N, days: D, dates: [...], except: [...], breaks: [...]}");
                return perAgent;
            }
            for (int i = 0; i < list.getValue().size(); i++) {
                Node shiftNode = list.getValue().get(i);
                String path = f.path + ".shifts[" + i + "]";
                if (!(shiftNode instanceof MappingNode map)) {
                    problems.error(f.file, shiftNode, path, "must be {start: HH:MM, end: HH:MM, count: N}");
                    continue;
                }
                Fields s = new Fields(f.file, path, map, problems);
                Shift shift = s.clockRange(map, "start", "end");
                int count = (int) s.optionalInt(map, "count", 1, 1, 100_000);
                s.only(map, "start", "end", "count", "days", "dates", "except", "breaks");
                Set<DayOfWeek> days = readDays(s, map);
                Set<java.time.LocalDate> dates = readDates(s, map, "dates");
                Set<java.time.LocalDate> except = readDates(s, map, "except");
                if (!dates.isEmpty() && s.node(map, "days") != null) {
                    problems.error(s.file, s.node(map, "days"), path + ".days",
                            "a shift with dates works on those dates only; give days (every week) or dates (one-off), not both");
                }
                if (!dates.isEmpty() && !except.isEmpty()) {
                    problems.error(s.file, s.node(map, "except"), path + ".except",
                            "a shift with dates works on those dates only; list the dates it works and leave out except");
                    except = Set.of();
                }
                warnExceptionsOffTheDays(s, map, days, except);
                List<BreakRule> rules = shift == null ? List.of() : readBreaks(s, map, shift);
                for (int n = 0; n < count && shift != null; n++) {
                    List<PlannedBreak> planned = new ArrayList<>();
                    for (BreakRule rule : rules) {
                        planned.add(rule.forAgent(n, count));
                    }
                    perAgent.add(new AgentPlan(shift, planned, days, dates, except));
                }
            }
            if (f.node(item, "count") != null && !perAgent.isEmpty() && perAgent.size() != groupCount) {
                problems.error(f.file, f.node(item, "count"), f.path + ".count",
                        "the shifts add up to " + perAgent.size() + " agents; give the same count or leave it out");
            }
            return perAgent;
        }

        /**
         * A shift's {@code days}: {@code weekdays}, {@code weekend}, {@code every day} (the default), or
         * a list of day names {@code mon} .. {@code sun}.
         */
        private Set<DayOfWeek> readDays(Fields s, MappingNode shiftMap) {
            Node node = s.node(shiftMap, "days");
            if (node == null) {
                return AgentPlan.EVERY_DAY;
            }
            String usage = "must be weekdays, weekend, every day, or a list of days such as [mon, tue, sat]";
            if (node instanceof ScalarNode) {
                DayOfWeek one = dayOf(scalar(node));
                Set<DayOfWeek> named = switch (scalar(node).trim().toLowerCase(Locale.ROOT)) {
                    case "weekdays" -> AgentPlan.WEEKDAYS;
                    case "weekend" -> AgentPlan.WEEKEND;
                    case "every day" -> AgentPlan.EVERY_DAY;
                    default -> one == null ? null : EnumSet.of(one);
                };
                if (named == null) {
                    problems.error(s.file, node, s.path + ".days", "'" + scalar(node) + "' " + usage);
                    return AgentPlan.EVERY_DAY;
                }
                return named;
            }
            if (!(node instanceof SequenceNode list) || list.getValue().isEmpty()) {
                problems.error(s.file, node, s.path + ".days", usage);
                return AgentPlan.EVERY_DAY;
            }
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            for (int i = 0; i < list.getValue().size(); i++) {
                Node dayNode = list.getValue().get(i);
                DayOfWeek day = dayNode instanceof ScalarNode ? dayOf(scalar(dayNode)) : null;
                if (day == null) {
                    problems.error(s.file, dayNode, s.path + ".days[" + i + "]", "must be a day: mon, tue, wed, thu, fri, sat or sun");
                } else if (!days.add(day)) {
                    problems.error(s.file, dayNode, s.path + ".days[" + i + "]", "'" + scalar(dayNode) + "' is listed twice");
                }
            }
            return days.isEmpty() ? AgentPlan.EVERY_DAY : days;
        }

        /**
         * A shift's {@code dates} or {@code except}: a list of dates YYYY-MM-DD, each once; empty when
         * the field is left out. Dates on which a one-off shift would meet a holiday are kept for a warning
         * once the hours are read ({@link #warnDatedShiftsOnHolidays}).
         */
        private Set<java.time.LocalDate> readDates(Fields s, MappingNode shiftMap, String field) {
            Node node = s.node(shiftMap, field);
            if (node == null) {
                return Set.of();
            }
            if (!(node instanceof SequenceNode list) || list.getValue().isEmpty()) {
                problems.error(s.file, node, s.path + "." + field, "must be a list of dates YYYY-MM-DD, e.g. [2027-03-01, 2027-04-30]");
                return Set.of();
            }
            Set<java.time.LocalDate> dates = new java.util.TreeSet<>();
            for (int i = 0; i < list.getValue().size(); i++) {
                Node dateNode = list.getValue().get(i);
                String path = s.path + "." + field + "[" + i + "]";
                java.time.LocalDate date = dateOf(s.file, dateNode, path);
                if (date != null && !dates.add(date)) {
                    problems.error(s.file, dateNode, path, "'" + date + "' is listed twice");
                } else if (date != null && field.equals("dates")) {
                    datedShifts.add(new DatedShift(s.file, dateNode, path, date));
                }
            }
            return dates;
        }

        /** An {@code except} date on a day of the week the shift does not work anyway is a slip: say so. */
        private void warnExceptionsOffTheDays(Fields s, MappingNode shiftMap, Set<DayOfWeek> days, Set<java.time.LocalDate> except) {
            if (except.isEmpty()) {
                return;
            }
            List<Node> nodes = ((SequenceNode) s.node(shiftMap, "except")).getValue();
            for (int i = 0; i < nodes.size(); i++) {
                java.time.LocalDate date = nodes.get(i) instanceof ScalarNode ? parsedOrNull(scalar(nodes.get(i))) : null;
                if (date != null && !days.contains(date.getDayOfWeek())) {
                    problems.warning(s.file, nodes.get(i), s.path + ".except[" + i + "]", "'" + date + "' is a "
                            + date.getDayOfWeek().getDisplayName(java.time.format.TextStyle.FULL, Locale.ENGLISH)
                            + ", which this shift does not work anyway (days: " + new AgentPlan(Shift.ALL_DAY, List.of(), days).daysText() + ")");
                }
            }
        }

        /** One-off shifts on a holiday of {@code hours}: nobody is rostered then (every queue is closed). */
        private void warnDatedShiftsOnHolidays() {
            for (DatedShift dated : datedShifts) {
                String holiday = hours.holidays().get(dated.date());
                if (holiday != null) {
                    problems.warning(dated.file(), dated.node(), dated.field(), "'" + dated.date() + "' is a holiday of hours"
                            + (holiday.isEmpty() ? "" : " (" + holiday + ")") + ": every queue is closed and nobody is rostered on it");
                }
            }
        }

        /** A date YYYY-MM-DD at {@code node}, or null after an error naming {@code field}. */
        private java.time.LocalDate dateOf(String file, Node node, String field) {
            java.time.LocalDate date = node instanceof ScalarNode ? parsedOrNull(scalar(node)) : null;
            if (date == null) {
                problems.error(file, node, field, "must be a date YYYY-MM-DD, e.g. 2026-12-25");
            }
            return date;
        }

        private static java.time.LocalDate parsedOrNull(String text) {
            try {
                return java.time.LocalDate.parse(text.trim());
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }

        /** The one day a name ({@code mon} .. {@code sun}, or the full English name) means, or null. */
        private static DayOfWeek dayOf(String text) {
            String name = text.trim().toLowerCase(Locale.ROOT);
            for (DayOfWeek day : DayOfWeek.values()) {
                if (name.equals(AgentPlan.dayName(day)) || name.equals(day.name().toLowerCase(Locale.ROOT))) {
                    return day;
                }
            }
            return null;
        }

        /**
         * A shift's {@code breaks}: each {@code {minutes: N, earliest: HH:MM, latest: HH:MM, reason: R}}
         * ({@code latest} defaults to {@code earliest}, {@code reason} to {@code break}), in time order,
         * each starting and ending within the shift and after the one before can have ended.
         */
        private List<BreakRule> readBreaks(Fields s, MappingNode shiftMap, Shift shift) {
            Node node = s.node(shiftMap, "breaks");
            if (node == null) {
                return List.of();
            }
            String usage = "must be a list of {minutes: N, earliest: HH:MM, latest: HH:MM, reason: NAME}";
            if (!(node instanceof SequenceNode list)) {
                problems.error(s.file, node, s.path + ".breaks", usage);
                return List.of();
            }
            List<BreakRule> rules = new ArrayList<>();
            int freeFrom = shift.startMinute();
            for (int i = 0; i < list.getValue().size(); i++) {
                Node breakNode = list.getValue().get(i);
                String path = s.path + ".breaks[" + i + "]";
                if (!(breakNode instanceof MappingNode map)) {
                    problems.error(s.file, breakNode, path, usage);
                    continue;
                }
                Fields b = new Fields(s.file, path, map, problems);
                b.only(map, "minutes", "earliest", "latest", "reason");
                Node minutesNode = b.given(map, "minutes");
                Node earliestNode = b.given(map, "earliest");
                if (minutesNode == null || earliestNode == null) {
                    problems.error(s.file, map, path + "." + (minutesNode == null ? "minutes" : "earliest"), "is required");
                    continue;
                }
                int minutes = (int) b.integer(minutesNode, path + ".minutes", 1, 8 * 60);
                int earliest = b.clock(earliestNode, path + ".earliest");
                Node latestNode = b.node(map, "latest");
                int latest = latestNode == null ? earliest : b.clock(latestNode, path + ".latest");
                Node reasonNode = b.node(map, "reason");
                String reason = reasonNode == null ? "break" : scalar(reasonNode).trim();
                breakReasons.add(new BreakReason(s.file, reasonNode == null ? map : reasonNode, path + ".reason", reason, reasonNode != null));
                if (earliest < 0 || latest < 0 || minutes < 1) {
                    continue;
                }
                if (latest < earliest) {
                    problems.error(s.file, latestNode, path + ".latest", "must not be before earliest (" + Shift.clock(earliest) + ")");
                } else if (earliest < freeFrom) {
                    problems.error(s.file, earliestNode, path + ".earliest", i == 0
                            ? "must be within the shift " + shift
                            : "overlaps the break before, which may run until " + Shift.clock(freeFrom));
                } else if (latest + minutes > shift.endMinute()) {
                    problems.error(s.file, latestNode == null ? earliestNode : latestNode, path + (latestNode == null ? ".earliest" : ".latest"),
                            "a break of " + minutes + " minutes starting at " + Shift.clock(latest) + " ends after the shift " + shift);
                } else {
                    rules.add(new BreakRule(earliest, latest, minutes, reason));
                    freeFrom = latest + minutes;
                }
            }
            return rules;
        }

        /** A break's pause reason as written ({@code given}) or defaulted, checked once {@code pauseReasons} is read. */
        private record BreakReason(String file, Node node, String field, String name, boolean given) {
        }

        /**
         * A shift's break for all its agents: agent {@code n} of {@code count} starts at {@code earliest}
         * plus its share of the window, so that the first goes at {@code earliest}, the last at
         * {@code latest}, and a shift's agents never all leave at once.
         */
        private record BreakRule(int earliest, int latest, int minutes, String reason) {
            PlannedBreak forAgent(int n, int count) {
                int start = earliest + (count <= 1 ? 0 : (latest - earliest) * n / (count - 1));
                return new PlannedBreak(new Shift(start, start + minutes), reason);
            }
        }

        /**
         * {@code hours}: the zone, the helpdesk's weekly hours, holidays, the prompts while closed, and
         * per queue hours that replace the helpdesk's. Runs after prompts and queues are read.
         */
        private void readHours() {
            Located at = sections.get("hours");
            if (at == null) {
                return;
            }
            if (!(at.node instanceof MappingNode map)) {
                problems.error(at.file, at.node, "hours", "must be a mapping {zone, weekdays, weekend, closedPrompt, holidayPrompt, holidays, queues}");
                return;
            }
            Fields f = new Fields(at.file, "hours", map, problems);
            java.time.ZoneId zone = OpeningHours.DEFAULT_ZONE;
            Node zoneNode = f.node(map, "zone");
            if (zoneNode != null) {
                try {
                    zone = java.time.ZoneId.of(scalar(zoneNode).trim());
                } catch (java.time.DateTimeException e) {
                    problems.error(at.file, zoneNode, "hours.zone", "not a time zone; give a region id such as Europe/Amsterdam, Europe/Brussels or UTC");
                }
            }
            OpeningHours.Hours helpdesk = readWeek(f, map, null);
            java.util.SortedMap<java.time.LocalDate, String> holidays = readHolidays(f, map);
            Map<String, OpeningHours.Hours> perQueue = new LinkedHashMap<>();
            Node queuesNode = f.node(map, "queues");
            if (queuesNode instanceof MappingNode byQueue) {
                // Each queue once: dropDuplicateKeys has reported and dropped a queue's hours given twice.
                for (NodeTuple tuple : byQueue.getValue()) {
                    String queue = scalar(tuple.getKeyNode());
                    String path = "hours.queues." + queue;
                    if (!queues.containsKey(queue)) {
                        if (problems.complete(queues)) {
                            problems.error(at.file, tuple.getKeyNode(), path, "names no queue; valid: " + queues.keySet());
                        }
                    } else if (!(tuple.getValueNode() instanceof MappingNode queueMap)) {
                        problems.error(at.file, tuple.getValueNode(), path,
                                "must be a mapping {weekdays, weekend, closedPrompt, holidayPrompt, openOnHolidays}; fields left out are the helpdesk's");
                    } else {
                        Fields q = new Fields(at.file, path, queueMap, problems);
                        perQueue.put(queue, readWeek(q, queueMap, helpdesk));
                        q.only(queueMap, "weekdays", "weekend", "closedPrompt", "holidayPrompt", "openOnHolidays");
                    }
                }
            } else if (queuesNode != null) {
                problems.error(at.file, queuesNode, "hours.queues", "must map queue names to {weekdays, weekend, closedPrompt, holidayPrompt, openOnHolidays}");
            }
            f.only(map, "zone", "weekdays", "weekend", "closedPrompt", "holidayPrompt", "holidays", "queues");
            if (helpdesk.closedPrompt() == null && (helpdesk.closeInAWeek() || !holidays.isEmpty())) {
                Node given = f.given(map, "closedPrompt"); // given without a value: said on its own line
                problems.error(at.file, given == null ? map : given, "hours.closedPrompt", (given == null ? "is required: " : "")
                        + "the prompt a contact hears while the helpdesk is closed; valid: " + prompts.keySet());
            }
            if (queuesNode instanceof MappingNode byQueue) {
                for (NodeTuple tuple : byQueue.getValue()) {
                    OpeningHours.Hours own = perQueue.get(scalar(tuple.getKeyNode()));
                    if (own != null && own.closedPrompt() == null && (own.closeInAWeek() || !holidays.isEmpty() && !own.openOnHolidays())) {
                        problems.error(at.file, tuple.getValueNode(), "hours.queues." + scalar(tuple.getKeyNode()) + ".closedPrompt",
                                "is required (here or for the helpdesk): the prompt a contact hears while the queue is closed; valid: "
                                        + prompts.keySet());
                    }
                }
            }
            hours = new OpeningHours(zone, helpdesk, perQueue, holidays);
        }

        /**
         * Weekly hours and closed prompts of the helpdesk ({@code inherited} null: weekdays and weekend
         * are required) or of a queue (fields left out are {@code inherited}'s).
         */
        private OpeningHours.Hours readWeek(Fields f, MappingNode map, OpeningHours.Hours inherited) {
            Shift weekdays = f.node(map, "weekdays") == null && inherited != null ? inherited.weekdays() : f.hoursRange(map, "weekdays");
            Shift weekend = f.node(map, "weekend") == null && inherited != null ? inherited.weekend() : f.hoursRange(map, "weekend");
            String closedPrompt = promptKey(f, map, "closedPrompt", inherited == null ? null : inherited.closedPrompt());
            String holidayPrompt = promptKey(f, map, "holidayPrompt", inherited == null ? null : inherited.holidayPrompt());
            return new OpeningHours.Hours(weekdays, weekend, closedPrompt, holidayPrompt, inherited != null && flag(f, map, "openOnHolidays"));
        }

        /** An optional prompt key (checked against {@code prompts}), or {@code otherwise} when absent or wrong. */
        private String promptKey(Fields f, MappingNode map, String key, String otherwise) {
            // While the prompts are not read whole, a key is taken as written: its absence is no news.
            return f.node(map, key) != null && (prompt(f, map, key) >= 0 || !problems.complete(prompts)) ? scalar(f.node(map, key)) : otherwise;
        }

        /** {@code holidays}: dates, or {date, name} mappings; every queue is closed all day on them. */
        private java.util.SortedMap<java.time.LocalDate, String> readHolidays(Fields f, MappingNode map) {
            java.util.SortedMap<java.time.LocalDate, String> holidays = new java.util.TreeMap<>();
            Node holidayNode = f.node(map, "holidays");
            if (holidayNode == null) {
                return holidays;
            }
            if (!(holidayNode instanceof SequenceNode list)) {
                problems.error(f.file, holidayNode, "hours.holidays", "must be a list of dates YYYY-MM-DD or {date: YYYY-MM-DD, name: text}");
                return holidays;
            }
            for (int i = 0; i < list.getValue().size(); i++) {
                Node day = list.getValue().get(i);
                String path = "hours.holidays[" + i + "]";
                Node dateNode = day;
                String name = "";
                if (day instanceof MappingNode detail) {
                    Fields h = new Fields(f.file, path, detail, problems);
                    dateNode = h.given(detail, "date");
                    name = h.node(detail, "name") == null ? "" : scalar(h.node(detail, "name")).trim();
                    h.only(detail, "date", "name");
                    if (dateNode == null) {
                        problems.error(f.file, day, path + ".date", "is required (YYYY-MM-DD)");
                        continue;
                    }
                    path += ".date";
                }
                java.time.LocalDate date = dateOf(f.file, dateNode, path);
                if (date != null && holidays.putIfAbsent(date, name) != null) {
                    problems.error(f.file, dateNode, path, "this date is already a holiday; list each date once");
                }
            }
            return holidays;
        }

        private List<FlowNode> readFlows() {
            Located at = sections.get("flows");
            if (at == null) {
                return List.of();
            }
            // Names first, so options may point forward. A node's id is its place among the nodes read
            // (forEachItem reads every mapping, named or not): counting names instead would shift every
            // later node after a duplicate or a missing name, and references would silently land on a
            // neighbour. A duplicate keeps the first node's id.
            if (at.node instanceof SequenceNode list) {
                Map<String, Integer> firstAt = new HashMap<>();
                int id = 0;
                for (int i = 0; i < list.getValue().size(); i++) {
                    if (list.getValue().get(i) instanceof MappingNode map) {
                        Fields f = new Fields(at.file, "flows[" + i + "]", map, problems);
                        Node nameNode = f.node(map, "name");
                        // As Fields.name: a node without a name goes by its path (and is reported there).
                        String name = nameNode == null || scalar(nameNode).isBlank() ? f.path : scalar(nameNode);
                        Integer first = firstAt.putIfAbsent(name, i);
                        nodes.putIfAbsent(name, id++);
                        if (first != null && nameNode != null) {
                            problems.error(at.file, nameNode, f.path + ".name", "duplicate flow node name: flows[" + first
                                    + "] on line " + line(list.getValue().get(first)) + " has it already");
                        }
                    }
                }
            }
            List<FlowNode> result = new ArrayList<>();
            forEachItem("flows", (f, item) -> {
                flowNodeAt.add(new Located(f.file, item));
                String name = f.name(item);
                FlowNode.Kind kind = f.kind(item);
                int prompt = prompt(f, item, "prompt");
                int[] next = null;
                int[] language = null;
                int queue = -1;
                int priority = -1;
                int fallback = -1;
                if (kind == FlowNode.Kind.MENU || kind == FlowNode.Kind.LANGUAGE) {
                    next = new int[FlowNode.INPUTS];
                    language = kind == FlowNode.Kind.LANGUAGE ? new int[FlowNode.INPUTS] : null;
                    Arrays.fill(next, -1);
                    if (language != null) {
                        Arrays.fill(language, -1);
                    }
                    Node options = f.given(item, "options");
                    if (options instanceof MappingNode map) {
                        for (NodeTuple option : map.getValue()) {
                            int input = f.input(option.getKeyNode());
                            String optionPath = f.path + ".options." + scalar(option.getKeyNode());
                            if (input < 0) {
                                continue;
                            }
                            if (option.getValueNode() instanceof MappingNode detail) {
                                Fields o = new Fields(f.file, optionPath, detail, problems);
                                next[input] = o.reference(detail, "next", nodes, true);
                                if (language != null) {
                                    language[input] = o.reference(detail, "language", languages, false);
                                }
                                Node label = o.node(detail, "label");
                                if (label != null) {
                                    optionLabels.computeIfAbsent(name, n -> new LinkedHashMap<>())
                                            .put(input, texts(f.file, label, optionPath + ".label", label));
                                }
                                o.only(detail, "next", "language", "label");
                            } else {
                                String target = scalar(option.getValueNode());
                                Integer id = nodes.get(target);
                                if (id == null) {
                                    if (problems.complete(nodes)) {
                                        problems.unknown(f.file, option.getValueNode(), optionPath, "no such flow node", nodes.keySet());
                                    }
                                } else {
                                    next[input] = id;
                                }
                            }
                        }
                        Map<Integer, Map<String, String>> labels = optionLabels.get(name);
                        if (labels != null) {
                            List<String> unlabelled = new ArrayList<>();
                            for (int input = 0; input < FlowNode.INPUTS; input++) {
                                if (next[input] >= 0 && !labels.containsKey(input)) {
                                    unlabelled.add(FlowNode.inputName(input));
                                }
                            }
                            if (!unlabelled.isEmpty()) {
                                problems.warning(f.file, options, f.path + ".options", "options " + unlabelled
                                        + " have no label while others have: the chatbot names their buttons after the next node");
                            }
                        }
                    } else {
                        problems.error(f.file, options == null ? item : options, f.path + ".options",
                                "a " + kind.name().toLowerCase(Locale.ROOT) + " needs options: input (0-9, *, #) to next node");
                    }
                    fallback = f.reference(item, "fallbackQueue", queues, true);
                } else if (kind == FlowNode.Kind.QUEUE) {
                    queue = f.reference(item, "queue", queues, true);
                    priority = (int) f.optionalInt(item, "priority", -1, 0, RoutingConfig.MAX_PRIORITY);
                }
                long timeoutMs = f.optionalInt(item, "inputTimeoutSeconds", 8, 1, 300) * 1000;
                int retries = (int) f.optionalInt(item, "maxRetries", 2, 0, 10);
                int[] byChannel = readQueueByChannel(f, item);
                int timeoutChannels = readInputTimeoutChannels(f, item);
                f.only(item, "name", "kind", "prompt", "options", "fallbackQueue", "queue", "priority",
                        "inputTimeoutSeconds", "inputTimeoutChannels", "maxRetries", "byChannel");
                result.add(new FlowNode(name, kind == null ? FlowNode.Kind.INFO : kind, Math.max(prompt, 0), next, language,
                        queue, priority, timeoutMs, retries, fallback, byChannel, timeoutChannels));
            });
            return result;
        }

        /**
         * {@code byChannel: {chat: digid-chat}}: the queue a contact of that channel goes to instead of
         * the node's queue (or fallback queue), so the IVR's flow serves the chatbot too.
         */
        /**
         * {@code inputTimeoutChannels: [voice]} (the default): the channels whose contacts the input
         * timeout and its retries hurry along; others wait for their choice (see {@link FlowNode#inputTimeoutChannels}).
         */
        private int readInputTimeoutChannels(Fields f, MappingNode item) {
            Node node = f.node(item, "inputTimeoutChannels");
            if (node == null) {
                return FlowNode.VOICE_ONLY;
            }
            String field = f.path + ".inputTimeoutChannels";
            if (!(node instanceof SequenceNode list)) {
                problems.error(f.file, node, field, "must list channels, e.g. [voice] or [voice, chat]");
                return FlowNode.VOICE_ONLY;
            }
            int mask = 0;
            for (Node entry : list.getValue()) {
                Channel channel = f.channelOf(entry, field);
                if (channel != null) {
                    mask |= 1 << channel.code();
                }
            }
            return mask;
        }

        private int[] readQueueByChannel(Fields f, MappingNode item) {
            Node byChannelNode = f.node(item, "byChannel");
            if (byChannelNode == null) {
                return null;
            }
            if (!(byChannelNode instanceof MappingNode map)) {
                problems.error(f.file, byChannelNode, f.path + ".byChannel", "must map channels to queue names");
                return null;
            }
            int[] byChannel = {-1, -1, -1, -1};
            for (NodeTuple tuple : map.getValue()) {
                String field = f.path + ".byChannel." + scalar(tuple.getKeyNode());
                Channel channel = f.channelOf(tuple.getKeyNode(), field);
                if (channel == null) {
                    continue;
                }
                Integer id = queues.get(scalar(tuple.getValueNode()));
                if (id == null) {
                    if (problems.complete(queues)) {
                        problems.unknown(f.file, tuple.getValueNode(), field, "names no queue", queues.keySet());
                    }
                } else if (queueChannels.get(id) != channel) {
                    problems.error(f.file, tuple.getValueNode(), field, "queue '" + scalar(tuple.getValueNode())
                            + "' is a " + queueChannels.get(id).name().toLowerCase(Locale.ROOT)
                            + " queue; name a " + channel.name().toLowerCase(Locale.ROOT) + " queue");
                } else {
                    byChannel[channel.code()] = id;
                }
            }
            return byChannel;
        }

        private List<EntrySpec> readEntries() {
            List<EntrySpec> result = new ArrayList<>();
            // The adapters find an entry by name (the chat's entry, a dialled number's entry): a second
            // entry of the same name would never be reached.
            Map<String, String> firstByName = new HashMap<>();
            forEachItem("entries", (f, item) -> {
                String name = f.name(item);
                String first = firstByName.putIfAbsent(name, f.path + " on line " + line(item));
                if (first != null) {
                    Node nameNode = f.node(item, "name");
                    problems.error(f.file, nameNode == null ? item : nameNode, f.path + ".name", "duplicate entry name: " + first + " has it already");
                }
                boolean hasFlow = f.given(item, "flow") != null;
                boolean hasQueue = f.given(item, "queue") != null;
                if (hasFlow == hasQueue) {
                    problems.error(f.file, item, f.path, "an entry needs exactly one of 'flow' (first node) or 'queue'");
                }
                int flow = hasFlow ? f.reference(item, "flow", nodes, true) : -1;
                int queue = hasQueue ? f.reference(item, "queue", queues, true) : -1;
                readNumbers(f, item, name);
                f.only(item, "name", "flow", "queue", "numbers");
                result.add(new EntrySpec(name, flow, queue));
            });
            return result;
        }

        /** Optional {@code numbers}: the phone numbers (digits, optional leading '+') that reach the entry. */
        private void readNumbers(Fields f, MappingNode item, String entry) {
            Node node = f.node(item, "numbers");
            if (node == null) {
                return;
            }
            if (!(node instanceof SequenceNode list)) {
                problems.error(f.file, node, f.path + ".numbers", "must be a list of phone numbers, e.g. [\"0881234567\"]");
                return;
            }
            for (Node n : list.getValue()) {
                String number = scalar(n).trim();
                if (!number.matches("\\+?[0-9]{2,20}")) {
                    problems.error(f.file, n, f.path + ".numbers", (YamlFile.isNull(n) ? "" : "'" + number + "' is not a phone number ")
                            + "(2-20 digits, optional leading '+')");
                } else if (entryByNumber.putIfAbsent(number, entry) != null) {
                    problems.error(f.file, n, f.path + ".numbers", "'" + number + "' already reaches entry '" + entryByNumber.get(number) + "'");
                }
            }
        }

        private void forEachItem(String section, java.util.function.BiConsumer<Fields, MappingNode> reader) {
            Located at = sections.get(section);
            if (at == null) {
                return;
            }
            if (!(at.node instanceof SequenceNode list)) {
                problems.error(at.file, at.node, section, "must be a list of items, each a mapping of fields (- name: ...)" + UNREAD);
                unread(section);
                return;
            }
            for (int i = 0; i < list.getValue().size(); i++) {
                Node item = list.getValue().get(i);
                String path = section + "[" + i + "]";
                if (item instanceof MappingNode map) {
                    reader.accept(new Fields(at.file, path, map, problems), map);
                } else {
                    problems.error(at.file, item, path, "must be a mapping of fields");
                }
            }
        }
    }

    /** Reads typed fields of one mapping, reporting problems with file, line and path. */
    private static final class Fields {
        final String file;
        final String path;
        private final Problems problems;

        Fields(String file, String path, Node at, Problems problems) {
            this.file = file;
            this.path = path;
            this.problems = problems;
        }

        /**
         * The value of an optional field, or null when it is left out or given without a value: both
         * mean its default (see the class comment).
         */
        Node node(MappingNode map, String key) {
            Node node = given(map, key);
            return node == null || YamlFile.isNull(node) ? null : node;
        }

        /**
         * The value of a field as written, a null ({@link YamlFile#isNull}) included; null only when the
         * key is left out. For required fields, whose readers then report "has no value" on its line.
         */
        Node given(MappingNode map, String key) {
            for (NodeTuple tuple : map.getValue()) {
                if (scalar(tuple.getKeyNode()).equals(key)) {
                    return tuple.getValueNode();
                }
            }
            return null;
        }

        void only(MappingNode map, String... allowed) {
            List<String> valid = List.of(allowed);
            for (NodeTuple tuple : map.getValue()) {
                String key = scalar(tuple.getKeyNode());
                if (!valid.contains(key)) {
                    problems.error(file, tuple.getKeyNode(), path + "." + key, "unknown field; valid fields: " + valid);
                }
            }
        }

        String name(MappingNode map) {
            Node node = given(map, "name");
            if (node == null || scalar(node).isBlank()) {
                problems.error(file, node == null ? map : node, path + ".name", "a name is required");
                return path;
            }
            return scalar(node);
        }

        long integer(Node node, String field, long min, long max) {
            String text = scalar(node);
            if (YamlFile.isNull(node)) {
                problems.error(file, node, field, "give a whole number between " + min + " and " + max);
                return min;
            }
            try {
                long value = Long.parseLong(text.trim());
                if (value < min || value > max) {
                    problems.error(file, node, field, "must be between " + min + " and " + max);
                }
                return value;
            } catch (NumberFormatException e) {
                problems.error(file, node, field, "must be a whole number between " + min + " and " + max);
                return min;
            }
        }

        long optionalInt(MappingNode map, String key, long defaultValue, long min, long max) {
            Node node = node(map, key);
            return node == null ? defaultValue : integer(node, path + "." + key, min, max);
        }

        /** A name among {@code names}: a required one reports being left out or given without a value; an optional one is -1 then. */
        int reference(MappingNode map, String key, Map<String, Integer> names, boolean required) {
            return reference(map, key, names, required, names.keySet());
        }

        /** The id {@code key} names in {@code names}, or -1 (said so, with {@code valid} as the names to choose from). */
        int reference(MappingNode map, String key, Map<String, Integer> names, boolean required, Collection<String> valid) {
            Node node = required ? given(map, key) : node(map, key);
            if (node == null) {
                if (required) {
                    problems.error(file, map, path + "." + key, "is required; valid: " + valid);
                }
                return -1;
            }
            Integer id = names.get(scalar(node));
            if (id == null) {
                if (problems.complete(names)) {
                    problems.unknown(file, node, path + "." + key, "names nothing defined", valid);
                }
                return -1;
            }
            return id;
        }

        Channel channel(MappingNode map, String key) {
            Node node = given(map, key);
            if (node == null) {
                problems.error(file, map, path + "." + key, "is required; valid: voice, chat, email, social");
                return Channel.VOICE;
            }
            Channel channel = channelOf(node, path + "." + key);
            return channel == null ? Channel.VOICE : channel;
        }

        Channel channelOf(Node node, String field) {
            try {
                return Channel.valueOf(scalar(node).trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.unknown(file, node, field, "not a channel", "voice, chat, email, social");
                return null;
            }
        }

        FlowNode.Kind kind(MappingNode map) {
            Node node = given(map, "kind");
            try {
                return FlowNode.Kind.valueOf(scalar(node == null ? map : node).trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.error(file, node == null ? map : node, path + ".kind", "valid kinds: menu, language, info, queue");
                return null;
            }
        }

        /** "HH:MM" as minutes after midnight (24:00 allowed), or -1 after reporting a problem. */
        int clock(Node node, String field) {
            return clock(scalar(node).trim(), node, field);
        }

        /** {@code text} as minutes after midnight; problems are reported at {@code at}. */
        int clock(String text, Node at, String field) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,2}):(\\d{2})").matcher(text);
            if (m.matches()) {
                int minute = Integer.parseInt(m.group(1)) * 60 + Integer.parseInt(m.group(2));
                if (Integer.parseInt(m.group(2)) < 60 && minute <= 24 * 60) {
                    return minute;
                }
            }
            problems.error(file, at, field, YamlFile.isNull(at) ? written(at) : text, "must be a time of day HH:MM between 00:00 and 24:00");
            return -1;
        }

        /** Two required clock fields of a mapping, as a shift; null after reporting a problem. */
        Shift clockRange(MappingNode map, String startKey, String endKey) {
            Node start = given(map, startKey);
            Node end = given(map, endKey);
            if (start == null || end == null) {
                problems.error(file, map, path + "." + (start == null ? startKey : endKey), "is required (HH:MM)");
                return null;
            }
            return range(clock(start, path + "." + startKey), clock(end, path + "." + endKey), end, path + "." + endKey);
        }

        /** "HH:MM-HH:MM" or "closed" (null) under {@code key}, which is required; null after reporting a problem. */
        Shift hoursRange(MappingNode map, String key) {
            Node node = given(map, key);
            if (node == null) {
                problems.error(file, map, path + "." + key, "is required: HH:MM-HH:MM (00:00-24:00 for all day) or 'closed'");
                return null;
            }
            if (scalar(node).trim().equals("closed")) {
                return null;
            }
            String[] parts = scalar(node).split("-");
            if (parts.length != 2) {
                problems.error(file, node, path + "." + key, "must be HH:MM-HH:MM (00:00-24:00 for all day) or 'closed'");
                return null;
            }
            return range(clock(parts[0].trim(), node, path + "." + key), clock(parts[1].trim(), node, path + "." + key),
                    node, path + "." + key);
        }

        private Shift range(int startMinute, int endMinute, Node endNode, String field) {
            if (startMinute < 0 || endMinute < 0) {
                return null;
            }
            if (endMinute <= startMinute) {
                problems.error(file, endNode, field, "must be later than the start (" + Shift.clock(startMinute)
                        + "); shifts and hours do not cross midnight");
                return null;
            }
            return new Shift(startMinute, endMinute);
        }

        int input(Node key) {
            String text = scalar(key).trim();
            int input = switch (text) {
                case "*" -> 10;
                case "#" -> 11;
                default -> text.length() == 1 && Character.isDigit(text.charAt(0)) ? text.charAt(0) - '0' : -1;
            };
            if (input < 0) {
                problems.error(file, key, path + ".options", "an option key is one of 0-9, '*' or '#'");
            }
            return input;
        }
    }

    /** For tests: parse one YAML text as if it were the file {@code name}. */
    static LoadedConfig parseOne(String name, String yaml) throws ConfigException {
        return parse(Map.of(name, yaml), name);
    }

}
