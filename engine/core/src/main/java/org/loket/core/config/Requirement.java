package org.loket.core.config;

import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;

/**
 * What an agent needs to serve a contact: skills at minimum proficiency levels, combined with AND
 * and OR, in disjunctive normal form. An agent qualifies when it meets every term of at least one
 * clause. A term's skill may be {@link #CONTACT_LANGUAGE}: the skill named like the contact's
 * language code ({@code nl}, {@code en}), so one queue serves every language with the right agents.
 *
 * @param clauses each clause is pairs {@code skillId, minLevel}; at least one clause, each with at least one term
 */
public record Requirement(int[][] clauses) {
    /** A term's skill that stands for the skill named like the contact's language. */
    public static final int CONTACT_LANGUAGE = -1;

    public Requirement {
        clauses = Arrays.stream(clauses).map(int[]::clone).toArray(int[][]::new);
    }

    /** One skill at a minimum level (levels below 1 count as 1: an agent without the skill never qualifies). */
    public static Requirement skill(int skillId, int minLevel) {
        return new Requirement(new int[][] {{skillId, minLevel}});
    }

    /**
     * Whether an agent with these skill levels qualifies.
     *
     * @param languageSkill the skill id the contact's language stands for, or -1 when no skill is named for it
     */
    public boolean satisfiedBy(int[] skillLevels, int languageSkill) {
        for (int[] clause : clauses) {
            if (clauseSatisfied(clause, skillLevels, languageSkill)) {
                return true;
            }
        }
        return false;
    }

    private static boolean clauseSatisfied(int[] clause, int[] skillLevels, int languageSkill) {
        for (int t = 0; t < clause.length; t += 2) {
            int skill = clause[t] == CONTACT_LANGUAGE ? languageSkill : clause[t];
            if (skill < 0 || skill >= skillLevels.length || skillLevels[skill] < Math.max(1, clause[t + 1])) {
                return false;
            }
        }
        return true;
    }

    /** Whether some term depends on the contact's language. */
    public boolean usesLanguage() {
        for (int[] clause : clauses) {
            for (int t = 0; t < clause.length; t += 2) {
                if (clause[t] == CONTACT_LANGUAGE) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The expression in the configuration's syntax, e.g. {@code digid>=3 and language or senior}. */
    public String describe(List<String> skills) {
        StringJoiner or = new StringJoiner(" or ");
        for (int[] clause : clauses) {
            StringJoiner and = new StringJoiner(" and ");
            for (int t = 0; t < clause.length; t += 2) {
                String name = clause[t] == CONTACT_LANGUAGE ? "language"
                        : clause[t] >= 0 && clause[t] < skills.size() ? skills.get(clause[t]) : "skill#" + clause[t];
                and.add(clause[t + 1] > 1 ? name + ">=" + clause[t + 1] : name);
            }
            or.add(clauses.length > 1 && clause.length > 2 ? "(" + and + ")" : and.toString());
        }
        return or.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Requirement r && Arrays.deepEquals(clauses, r.clauses);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(clauses);
    }

    @Override
    public String toString() {
        return "Requirement" + Arrays.deepToString(clauses);
    }
}
