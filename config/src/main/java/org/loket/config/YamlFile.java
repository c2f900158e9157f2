package org.loket.config;

import java.io.Reader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.ScannerImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.tokens.ScalarToken;
import org.snakeyaml.engine.v2.tokens.Token;

/**
 * One configuration file read into YAML nodes, before {@link ConfigLoader} reads any field: a file
 * that is not valid YAML gives one problem in plain words (line, column, the parser's message and a
 * hint), and a key given twice in a mapping is reported and dropped.
 */
final class YamlFile {
    /** The field of a problem with a file's YAML itself, before any field can be named. */
    static final String YAML_FIELD = "(yaml)";
    /**
     * The plain (unquoted) scalars YAML 1.2 reads as null. The parser's own schema (JSON) knows only
     * {@code null} and the empty value, but operators write YAML, where {@code ~} means null too.
     */
    private static final Set<String> NULLS = Set.of("", "~", "null", "Null", "NULL");

    private YamlFile() {
    }

    /**
     * The file's root node with every key given twice reported and dropped, or null when the file is
     * empty or not valid YAML (its one problem added to {@code problems}).
     */
    static Node read(String file, String text, List<ConfigProblem> problems) {
        Node root = compose(file, text, problems);
        if (root != null) {
            dropDuplicateKeys(file, root, "", problems, Collections.newSetFromMap(new IdentityHashMap<>()));
        }
        return root;
    }

    /**
     * Whether {@code node} is YAML's null, a field or list item given without a value: nothing after
     * the colon or the dash, {@code ~}, {@code null} (unquoted), or a value tagged {@code !!null}. A
     * quoted {@code "~"} or {@code "null"} is text.
     */
    static boolean isNull(Node node) {
        return node instanceof ScalarNode s
                && (Tag.NULL.equals(s.getTag()) || s.getScalarStyle() == ScalarStyle.PLAIN && NULLS.contains(s.getValue()));
    }

    private static Node compose(String file, String text, List<ConfigProblem> problems) {
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(file).build();
            Reader reader = new java.io.StringReader(text);
            Composer composer = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, reader)));
            Optional<Node> node = composer.getSingleNode();
            if (node.isEmpty()) {
                problems.add(new ConfigProblem(file, 0, YAML_FIELD, "", "the file is empty", false));
                return null;
            }
            return node.get();
        } catch (MarkedYamlEngineException e) {
            problems.add(syntaxProblem(file, text, e));
        } catch (YamlEngineException e) {
            problems.add(new ConfigProblem(file, 0, YAML_FIELD, "", "not valid YAML: " + e.getMessage(), false));
        }
        return null;
    }

    /**
     * The one problem of a file that is not valid YAML: the line where to look, the column, the
     * parser's message with its context (what it was reading, from where) and a hint in plain words.
     * A quoted value that never closes is reported on the line where its quote opened, which is where
     * the fix goes; the parser only notices at the end of the file, or (when a later quote closes it)
     * at the first thing after it that makes no sense, lines further on.
     */
    private static ConfigProblem syntaxProblem(String file, String text, MarkedYamlEngineException e) {
        String problem = e.getProblem() == null ? "" : e.getProblem();
        String context = e.getContext() == null ? "" : e.getContext();
        Mark problemMark = e.getProblemMark().orElse(null);
        Mark contextMark = e.getContextMark().orElse(null);
        if (context.equals("while scanning a quoted scalar") && contextMark != null) {
            // The scanner's own words for a quote that runs to the end of the file (or to a '---').
            return new ConfigProblem(file, contextMark.getLine() + 1, YAML_FIELD, "", "not valid YAML: the quoted value opened at "
                    + "column " + (contextMark.getColumn() + 1) + " is never closed (" + problem + (problemMark == null ? "" : " on "
                    + place(problemMark)) + "); add the closing quote", false);
        }
        // The parser's context is what it was reading ("while parsing a block mapping") or, from the
        // composer, the first half of the sentence ("expected a single document in the stream").
        String where = contextMark == null ? "" : place(contextMark);
        String found = context.isEmpty() ? problem
                : context.startsWith("while ") ? problem + " (" + context + (where.isEmpty() ? "" : " that starts on " + where) + ")"
                : context + (where.isEmpty() ? "" : " (" + where + ")") + ", " + problem;
        Mark quote = problemMark == null ? null : runawayQuote(file, text, problemMark);
        if (quote != null) {
            return new ConfigProblem(file, quote.getLine() + 1, YAML_FIELD, "", "not valid YAML at " + place(problemMark) + ": "
                    + found + "; the quoted value opened on this line at column " + (quote.getColumn() + 1) + " runs on to line "
                    + (problemMark.getLine() + 1) + ": is its closing quote missing?", false);
        }
        String hint;
        if (context.startsWith("expected a single document")) {
            hint = "a configuration file holds one YAML document: remove the '---' that starts another";
        } else if (problem.contains("(TAB)")) {
            hint = "indent with spaces, not tabs: YAML nests by spaces";
        } else if (context.contains("flow")) {
            hint = "check that the { } or [ ] opened there is closed, with a comma between its items";
        } else if (context.contains("block") || context.contains("simple key") || problem.contains("<block end>")
                || problem.endsWith("are not allowed here")) {
            hint = "check the indentation of this line and the one before it: YAML nests by spaces"
                    + (problem.startsWith("mapping values") ? "; a value with ': ' in it needs quotes" : "");
        } else {
            hint = "";
        }
        return new ConfigProblem(file, problemMark == null ? 0 : problemMark.getLine() + 1, YAML_FIELD, "", "not valid YAML"
                + (problemMark == null ? "" : " at column " + (problemMark.getColumn() + 1)) + ": " + found
                + (hint.isEmpty() ? "" : "; " + hint), false);
    }

    /**
     * Where the quoted value that ends on the line of {@code problem} or the line before began, when it
     * spans lines: such a value most likely lacks its closing quote and has swallowed the lines up to
     * the next quote, which then opened garbage the parser refused. Null when there is none.
     */
    private static Mark runawayQuote(String file, String text, Mark problem) {
        LoadSettings settings = LoadSettings.builder().setLabel(file).build();
        ScannerImpl scanner = new ScannerImpl(settings, new StreamReader(settings, text));
        Token last = null;
        try {
            while (scanner.hasNext()) {
                Token token = scanner.next();
                Mark start = token.getStartMark().orElse(null);
                Mark end = token.getEndMark().orElse(null);
                if (start == null || end == null || start.getIndex() >= problem.getIndex()) {
                    break;
                }
                if (token instanceof ScalarToken quoted && end.getLine() > start.getLine()
                        && (quoted.getStyle() == ScalarStyle.DOUBLE_QUOTED || quoted.getStyle() == ScalarStyle.SINGLE_QUOTED)) {
                    last = token;
                }
            }
        } catch (YamlEngineException stop) {
            // The scanner's own error, if that is what the parser reported: the tokens before it are all there is.
        }
        return last != null && last.getEndMark().orElseThrow().getLine() >= problem.getLine() - 1
                ? last.getStartMark().orElseThrow() : null;
    }

    /** "line L, column C", 1-based, of a parser's mark. */
    private static String place(Mark mark) {
        return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }

    /**
     * Reports every key given twice in one mapping, anywhere under {@code node} (whose field path is
     * {@code path}), with the line of its first occurrence, and drops the later occurrences. YAML
     * leaves duplicate keys to the reader; read as they come, one value would win silently (the
     * loader's field look-ups take the first, a plain YAML library the last). Dropping them means the
     * rest of the loader sees each key once, so a duplicate gives its own error and no follow-on ones
     * (a second {@code name} of a flow node, a second {@code hours.queues} entry, a section given
     * twice in one file). {@code seen} guards against anchors' nodes, which may occur more than once.
     */
    private static void dropDuplicateKeys(String file, Node node, String path, List<ConfigProblem> problems, Set<Node> seen) {
        if (!seen.add(node)) {
            return;
        }
        if (node instanceof SequenceNode list) {
            for (int i = 0; i < list.getValue().size(); i++) {
                dropDuplicateKeys(file, list.getValue().get(i), path + "[" + i + "]", problems, seen);
            }
        } else if (node instanceof MappingNode map) {
            Map<String, Node> firstKeys = new HashMap<>();
            List<NodeTuple> kept = new ArrayList<>();
            for (NodeTuple tuple : map.getValue()) {
                String field = (path.isEmpty() ? "" : path + ".") + ConfigLoader.scalar(tuple.getKeyNode());
                // Only scalar keys are compared: the configuration has no others (and the loader refuses them).
                Node first = tuple.getKeyNode() instanceof ScalarNode ? firstKeys.putIfAbsent(ConfigLoader.scalar(tuple.getKeyNode()), tuple.getKeyNode()) : null;
                if (first != null) {
                    problems.add(new ConfigProblem(file, ConfigLoader.line(tuple.getKeyNode()), field, ConfigLoader.scalar(tuple.getValueNode()),
                            "given twice: first on line " + ConfigLoader.line(first) + "; give each key once", false));
                    continue;
                }
                kept.add(tuple);
                dropDuplicateKeys(file, tuple.getValueNode(), field, problems, seen);
            }
            if (kept.size() < map.getValue().size()) {
                map.setValue(kept);
            }
        }
    }
}
