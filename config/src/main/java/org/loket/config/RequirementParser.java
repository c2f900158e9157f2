package org.loket.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;
import org.loket.core.config.Requirement;
import org.loket.core.config.RoutingConfig;

/**
 * Parses a skill requirement expression into the core's {@link Requirement} (disjunctive normal
 * form). Syntax, by example:
 * <pre>
 *   digid                          the skill at level 1 or more
 *   digid >= 3                     at level 3 or more
 *   digid >= 3 and language        and the skill named like the contact's language (nl, en)
 *   (digid or mijnoverheid) and senior >= 5
 *   digid and team:night           a member of team 'night'
 * </pre>
 * {@code and} binds tighter than {@code or}; keywords are case-insensitive.
 */
final class RequirementParser {
    /** More clauses than this after expanding ANDs over ORs is refused: write the rule more simply. */
    static final int MAX_CLAUSES = 64;

    /** A mistake in an expression, at a 1-based column. */
    static final class SyntaxError extends Exception {
        final int column;

        SyntaxError(int column, String message) {
            super(message);
            this.column = column;
        }
    }

    private final String text;
    private final ToIntFunction<String> skillId;
    private int at;

    /**
     * @param skillId the id of a skill or {@code team:NAME} name, or -1 when there is no such skill
     */
    private RequirementParser(String text, ToIntFunction<String> skillId) {
        this.text = text;
        this.skillId = skillId;
    }

    static Requirement parse(String text, ToIntFunction<String> skillId) throws SyntaxError {
        RequirementParser parser = new RequirementParser(text, skillId);
        List<int[]> clauses = parser.or();
        parser.skipSpace();
        if (parser.at < text.length()) {
            throw new SyntaxError(parser.at + 1, "unexpected '" + text.substring(parser.at) + "'; expected 'and', 'or' or the end");
        }
        return new Requirement(clauses.toArray(int[][]::new));
    }

    private List<int[]> or() throws SyntaxError {
        List<int[]> clauses = new ArrayList<>(and());
        while (keyword("or")) {
            clauses.addAll(and());
            tooMany(clauses.size());
        }
        return clauses;
    }

    private List<int[]> and() throws SyntaxError {
        List<int[]> clauses = factor();
        while (keyword("and")) {
            List<int[]> right = factor();
            List<int[]> product = new ArrayList<>();
            for (int[] left : clauses) {
                for (int[] r : right) {
                    int[] both = new int[left.length + r.length];
                    System.arraycopy(left, 0, both, 0, left.length);
                    System.arraycopy(r, 0, both, left.length, r.length);
                    product.add(both);
                }
            }
            tooMany(product.size());
            clauses = product;
        }
        return clauses;
    }

    private List<int[]> factor() throws SyntaxError {
        skipSpace();
        if (at < text.length() && text.charAt(at) == '(') {
            at++;
            List<int[]> inner = or();
            skipSpace();
            if (at >= text.length() || text.charAt(at) != ')') {
                throw new SyntaxError(at + 1, "missing ')'");
            }
            at++;
            return inner;
        }
        int start = at;
        String name = word();
        if (name.isEmpty()) {
            throw new SyntaxError(start + 1, at < text.length()
                    ? "expected a skill name, 'language', 'team:NAME' or '(' at '" + text.charAt(at) + "'"
                    : "expected a skill name, 'language', 'team:NAME' or '(' at the end");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("and") || lower.equals("or")) {
            throw new SyntaxError(start + 1, "expected a skill name before '" + name + "'");
        }
        int skill;
        if (lower.equals("language")) {
            skill = Requirement.CONTACT_LANGUAGE;
        } else {
            skill = skillId.applyAsInt(name);
            if (skill < 0) {
                throw new SyntaxError(start + 1, "unknown skill '" + name + "'");
            }
        }
        int level = 1;
        skipSpace();
        if (text.startsWith(">=", at)) {
            at += 2;
            skipSpace();
            int numberAt = at;
            String number = word();
            try {
                level = Integer.parseInt(number);
            } catch (NumberFormatException e) {
                throw new SyntaxError(numberAt + 1, "expected a level 1.." + RoutingConfig.MAX_LEVEL + " after '>='");
            }
            if (level < 1 || level > RoutingConfig.MAX_LEVEL) {
                throw new SyntaxError(numberAt + 1, "level " + level + " is outside 1.." + RoutingConfig.MAX_LEVEL);
            }
        }
        List<int[]> single = new ArrayList<>();
        single.add(new int[] {skill, level});
        return single;
    }

    private boolean keyword(String keyword) {
        skipSpace();
        int end = at + keyword.length();
        if (text.regionMatches(true, at, keyword, 0, keyword.length())
                && (end == text.length() || !isNameChar(text.charAt(end)))) {
            at = end;
            return true;
        }
        return false;
    }

    private String word() {
        int start = at;
        while (at < text.length() && isNameChar(text.charAt(at))) {
            at++;
        }
        return text.substring(start, at);
    }

    private void skipSpace() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == ':';
    }

    private void tooMany(int clauses) throws SyntaxError {
        if (clauses > MAX_CLAUSES) {
            throw new SyntaxError(1, "expands to more than " + MAX_CLAUSES + " alternatives; write it more simply");
        }
    }
}
