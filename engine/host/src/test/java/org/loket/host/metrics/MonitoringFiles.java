package org.loket.host.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The operators' monitoring files in {@code ops/monitoring} (Prometheus alert rules, Grafana
 * dashboard), read the way Prometheus and Grafana would use them, and checked against a scrape of
 * a running Loket: every metric an expression selects is exposed, under that exact name (counters
 * with their {@code _total}), every label it selects, groups or matches on is a label of that
 * metric, and every literal label value it selects occurs. Each module that registers metrics
 * checks the names it produces (engine/host the engine's and the JVM's, the adapters theirs).
 */
public final class MonitoringFiles {
    public static final String RULES = "ops/monitoring/loket-alerts.yml";
    public static final String DASHBOARD = "ops/monitoring/loket-dashboard.json";
    /** Labels Prometheus adds to every series of a target: no metric exposes them. */
    static final Set<String> TARGET_LABELS = Set.of("job", "instance");
    /** Prometheus' own series per target ({@code up}): not in any scrape. */
    static final Set<String> SYNTHETIC = Set.of("up");
    private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset");
    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)");
    /** A regex that only lists literal values ({@code a|b|c}): each alternative is checked like a literal. */
    private static final Pattern LITERAL_ALTERNATIVES = Pattern.compile("[A-Za-z0-9_ -]+(\\|[A-Za-z0-9_ -]+)*");

    private MonitoringFiles() {
    }

    /** The repository's {@code ops/monitoring} file {@code relative}, found from the module's folder (the tests' working directory) up. */
    public static Path file(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found in " + Path.of("").toAbsolutePath() + " or a folder above it");
    }

    private static String read(String relative) {
        try {
            return Files.readString(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rules file as YAML (maps, lists, strings). */
    public static Map<?, ?> rules() {
        return (Map<?, ?>) new Load(LoadSettings.builder().setLabel(RULES).build()).loadFromString(read(RULES));
    }

    /** The dashboard's JSON model. */
    public static JsonNode dashboard() {
        try {
            return new ObjectMapper().readTree(read(DASHBOARD));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The alerting rules of every group, in order. */
    public static List<Map<?, ?>> alertRules() {
        List<Map<?, ?>> all = new ArrayList<>();
        for (Object group : (List<?>) rules().get("groups")) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                all.add((Map<?, ?>) rule);
            }
        }
        return all;
    }

    /** The dashboard's panels, those inside rows included, without the rows. */
    public static List<JsonNode> panels() {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode panel : dashboard().path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                panel.path("panels").forEach(all::add);
            } else {
                all.add(panel);
            }
        }
        return all;
    }

    /** One PromQL expression of the files, where it is, and the labels its legend shows (dashboard only). */
    public record Expression(String where, String promql, Set<String> legendLabels) {
    }

    /** Every alert's expression and every dashboard target's. */
    public static List<Expression> expressions() {
        List<Expression> all = new ArrayList<>();
        for (Map<?, ?> rule : alertRules()) {
            all.add(new Expression(RULES + " alert " + rule.get("alert"), String.valueOf(rule.get("expr")), Set.of()));
        }
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                Set<String> legend = new LinkedHashSet<>();
                Matcher m = LEGEND_LABEL.matcher(target.path("legendFormat").asText());
                while (m.find()) {
                    legend.add(m.group(1));
                }
                all.add(new Expression(DASHBOARD + " panel '" + panel.path("title").asText() + "' " + target.path("refId").asText(),
                        target.path("expr").asText(), legend));
            }
        }
        return all;
    }

    /** A label matcher of a selector: {@code label op "value"}. */
    public record LabelMatcher(String label, String op, String value) {
    }

    /** A metric an expression selects. */
    public record Selector(String metric, List<LabelMatcher> matchers) {
    }

    /** Labels an expression groups or matches on ({@code by}, {@code on}, ...) and the metrics they apply to. */
    public record Grouping(String clause, List<String> labels, List<String> metrics) {
    }

    /** What one expression uses. */
    public record Use(Expression expression, List<Selector> selectors, List<Grouping> groupings) {
        Set<String> metrics() {
            Set<String> names = new LinkedHashSet<>();
            selectors.forEach(s -> names.add(s.metric()));
            return names;
        }
    }

    private record Token(String text, char kind) {
    }

    /**
     * What a PromQL expression selects and groups on. A small scanner, enough for these files:
     * identifiers followed by {@code (} are functions or aggregations, {@code by (...)} and the
     * like are groupings, every other identifier is a metric; strings, ranges ({@code [5m]}) and
     * Grafana variables are skipped.
     */
    public static Use use(Expression expression) {
        List<Token> tokens = tokens(expression.promql());
        List<Selector> selectors = new ArrayList<>();
        int[] selectorAt = new int[tokens.size()];
        java.util.Arrays.fill(selectorAt, -1);
        List<int[]> groupingSpans = new ArrayList<>(); // token index of the clause, of its list's ')'
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.kind() != 'i' || KEYWORDS.contains(t.text())) {
                continue;
            }
            if (GROUPING.contains(t.text())) {
                if (i + 1 < tokens.size() && tokens.get(i + 1).text().equals("(")) {
                    groupingSpans.add(new int[] {i, close(tokens, i + 1)});
                    i = close(tokens, i + 1);
                }
                continue;
            }
            // A function, or an aggregation with its grouping first (sum by (l) (...)).
            boolean call = i + 1 < tokens.size() && (tokens.get(i + 1).text().equals("(")
                    || tokens.get(i + 1).text().equals("by") || tokens.get(i + 1).text().equals("without"));
            if (call) {
                continue;
            }
            List<LabelMatcher> matchers = new ArrayList<>();
            if (i + 1 < tokens.size() && tokens.get(i + 1).kind() == '{') {
                matchers = matchers(tokens.get(i + 1).text(), expression);
            }
            selectorAt[i] = selectors.size();
            selectors.add(new Selector(t.text(), matchers));
        }
        List<Grouping> groupings = new ArrayList<>();
        for (int[] span : groupingSpans) {
            String clause = tokens.get(span[0]).text();
            List<String> labels = new ArrayList<>();
            for (int i = span[0] + 2; i < span[1]; i++) {
                if (tokens.get(i).kind() == 'i') {
                    labels.add(tokens.get(i).text());
                }
            }
            int from = 0;
            int to = tokens.size();
            if (clause.equals("by") || clause.equals("without")) {
                // sum by (l) (ARG) or sum (ARG) by (l): the aggregation's argument.
                if (span[1] + 1 < tokens.size() && tokens.get(span[1] + 1).text().equals("(")) {
                    from = span[1] + 1;
                    to = close(tokens, from);
                } else if (span[0] > 0 && tokens.get(span[0] - 1).text().equals(")")) {
                    to = span[0] - 1;
                    from = open(tokens, to);
                }
            }
            List<String> metrics = new ArrayList<>();
            for (int i = from; i < to; i++) {
                if (selectorAt[i] >= 0) {
                    metrics.add(selectors.get(selectorAt[i]).metric());
                }
            }
            groupings.add(new Grouping(clause, labels, metrics));
        }
        return new Use(expression, selectors, groupings);
    }

    private static int close(List<Token> tokens, int open) {
        int depth = 0;
        for (int i = open; i < tokens.size(); i++) {
            String text = tokens.get(i).text();
            depth += text.equals("(") ? 1 : text.equals(")") ? -1 : 0;
            if (depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unbalanced parentheses");
    }

    private static int open(List<Token> tokens, int close) {
        int depth = 0;
        for (int i = close; i >= 0; i--) {
            String text = tokens.get(i).text();
            depth += text.equals(")") ? 1 : text.equals("(") ? -1 : 0;
            if (depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unbalanced parentheses");
    }

    /** Kinds: i identifier, { label matchers (text inside the braces), s string, n number, p punctuation. */
    private static List<Token> tokens(String promql) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < promql.length()) {
            char c = promql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"' || c == '\'') {
                int end = endOfString(promql, i);
                tokens.add(new Token(promql.substring(i, end), 's'));
                i = end;
            } else if (c == '{') {
                int end = i + 1;
                while (end < promql.length() && promql.charAt(end) != '}') {
                    end = promql.charAt(end) == '"' || promql.charAt(end) == '\'' ? endOfString(promql, end) : end + 1;
                }
                tokens.add(new Token(promql.substring(i + 1, end), '{'));
                i = end + 1;
            } else if (c == '[') {
                i = promql.indexOf(']', i) + 1; // a range or subquery: durations and Grafana's $__rate_interval
            } else if (c == '$') {
                i++; // a Grafana variable outside a string: $name or ${name}
                while (i < promql.length() && (Character.isLetterOrDigit(promql.charAt(i)) || "_{}".indexOf(promql.charAt(i)) >= 0)) {
                    i++;
                }
            } else if (Character.isDigit(c) || c == '.') {
                int end = i;
                while (end < promql.length() && (Character.isLetterOrDigit(promql.charAt(end)) || promql.charAt(end) == '.')) {
                    end++;
                }
                tokens.add(new Token(promql.substring(i, end), 'n'));
                i = end;
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int end = i;
                while (end < promql.length() && (Character.isLetterOrDigit(promql.charAt(end)) || "_:".indexOf(promql.charAt(end)) >= 0)) {
                    end++;
                }
                tokens.add(new Token(promql.substring(i, end), 'i'));
                i = end;
            } else {
                tokens.add(new Token(String.valueOf(c), 'p'));
                i++;
            }
        }
        return tokens;
    }

    private static int endOfString(String text, int start) {
        char quote = text.charAt(start);
        for (int i = start + 1; i < text.length(); i++) {
            if (text.charAt(i) == '\\') {
                i++;
            } else if (text.charAt(i) == quote) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("unterminated string in " + text);
    }

    private static final Pattern MATCHER = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*(,|$)");

    private static List<LabelMatcher> matchers(String inside, Expression expression) {
        List<LabelMatcher> matchers = new ArrayList<>();
        Matcher m = MATCHER.matcher(inside);
        int at = 0;
        while (at < inside.length() && m.find(at) && m.start() == at) {
            matchers.add(new LabelMatcher(m.group(1), m.group(2), m.group(3)));
            at = m.end();
        }
        if (at < inside.trim().length()) {
            throw new IllegalArgumentException(expression.where() + ": cannot read the label matchers {" + inside + "}");
        }
        return matchers;
    }

    /** {@code registry} scraped in Prometheus' text format, as {@code GET /metrics} serves it. */
    public static String scrape(PrometheusRegistry registry) {
        var out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.DEFAULT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Sample name to the label sets of its samples, from a scrape in Prometheus' text format. */
    public static Map<String, List<Map<String, String>>> samples(String scrape) {
        Map<String, List<Map<String, String>>> samples = new LinkedHashMap<>();
        for (String line : scrape.lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
            Map<String, String> labels = new LinkedHashMap<>();
            if (brace >= 0 && brace < space) {
                Matcher m = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(line);
                int end = line.indexOf('}', brace);
                for (int at = brace + 1; at < end && m.find(at) && m.start() < end; at = m.end()) {
                    labels.put(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
                }
            }
            samples.computeIfAbsent(name, k -> new ArrayList<>()).add(labels);
        }
        return samples;
    }

    /** Every metric the files' expressions and the dashboard's variables select. */
    public static Set<String> metricsUsed() {
        Set<String> names = new TreeSet<>();
        for (Expression e : expressions()) {
            names.addAll(use(e).metrics());
        }
        for (JsonNode variable : dashboard().path("templating").path("list")) {
            Matcher m = LABEL_VALUES.matcher(variable.path("definition").asText());
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /**
     * What the files use that {@code scrape} does not show, for the metrics {@code checked} accepts:
     * metrics not exposed, labels not on them (target labels aside), literal label values never
     * seen, legend labels not on the target's metrics, variables over a label the metric lacks.
     * Empty when all is well.
     */
    public static List<String> problems(String scrape, Predicate<String> checked) {
        Map<String, List<Map<String, String>>> samples = samples(scrape);
        List<String> problems = new ArrayList<>();
        for (Expression e : expressions()) {
            Use use = use(e);
            if (use.selectors().isEmpty()) {
                problems.add(e.where() + ": selects no metric: " + e.promql());
            }
            for (Selector s : use.selectors()) {
                if (!checked.test(s.metric()) || SYNTHETIC.contains(s.metric())) {
                    continue;
                }
                List<Map<String, String>> series = samples.get(s.metric());
                if (series == null) {
                    problems.add(e.where() + ": " + s.metric() + " is not in the scrape");
                    continue;
                }
                for (LabelMatcher m : s.matchers()) {
                    checkLabel(problems, e.where(), s.metric(), m.label(), series);
                    if (!TARGET_LABELS.contains(m.label()) && !m.value().contains("$")) {
                        for (String value : literalValues(m)) {
                            if (series.stream().noneMatch(labels -> value.equals(labels.get(m.label())))) {
                                problems.add(e.where() + ": no " + s.metric() + " has " + m.label() + "=\"" + value + "\"");
                            }
                        }
                    }
                }
            }
            for (Grouping g : use.groupings()) {
                for (String metric : g.metrics()) {
                    if (checked.test(metric) && samples.containsKey(metric)) {
                        g.labels().forEach(label -> checkLabel(problems, e.where() + " " + g.clause(), metric, label, samples.get(metric)));
                    }
                }
            }
            for (String metric : use.metrics()) {
                if (checked.test(metric) && samples.containsKey(metric)) {
                    e.legendLabels().forEach(label -> checkLabel(problems, e.where() + " legend", metric, label, samples.get(metric)));
                }
            }
        }
        for (JsonNode variable : dashboard().path("templating").path("list")) {
            Matcher m = LABEL_VALUES.matcher(variable.path("definition").asText());
            if (m.find() && checked.test(m.group(1))) {
                String where = DASHBOARD + " variable " + variable.path("name").asText();
                if (!samples.containsKey(m.group(1))) {
                    problems.add(where + ": " + m.group(1) + " is not in the scrape");
                } else {
                    checkLabel(problems, where, m.group(1), m.group(2), samples.get(m.group(1)));
                }
            }
        }
        return problems;
    }

    private static void checkLabel(List<String> problems, String where, String metric, String label,
                                   List<Map<String, String>> series) {
        if (!TARGET_LABELS.contains(label) && !label.equals("__name__") && series.stream().noneMatch(l -> l.containsKey(label))) {
            problems.add(where + ": " + metric + " has no label '" + label + "'");
        }
    }

    /** The values a matcher names literally: its value for = and !=, each alternative of a plain a|b|c regex. */
    private static List<String> literalValues(LabelMatcher m) {
        if (m.op().equals("=") || m.op().equals("!=")) {
            return List.of(m.value());
        }
        return LITERAL_ALTERNATIVES.matcher(m.value()).matches() ? List.of(m.value().split("\\|")) : List.of();
    }
}
