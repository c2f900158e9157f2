package org.loket.core.config;

import java.util.Arrays;

/**
 * One agent of the roster.
 *
 * @param name               operator's name (login), unique
 * @param skillLevels        proficiency per skill id (0 = lacks the skill, 1..10); length = number of skills
 * @param capacityPerChannel contacts the agent may hold at once per {@link org.loket.core.Channel#code()}
 */
public record AgentSpec(String name, int[] skillLevels, int[] capacityPerChannel) {

    @Override
    public boolean equals(Object o) {
        return o instanceof AgentSpec a && name.equals(a.name) && Arrays.equals(skillLevels, a.skillLevels)
                && Arrays.equals(capacityPerChannel, a.capacityPerChannel);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(skillLevels);
    }

    @Override
    public String toString() {
        return "AgentSpec[" + name + " skills=" + Arrays.toString(skillLevels) + " capacity="
                + Arrays.toString(capacityPerChannel) + ']';
    }
}
