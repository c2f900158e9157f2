package org.loket.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.loket.core.Channel;
import org.loket.core.testkit.ConfigBuilder;

class RoutingConfigCodecTest {
    @Test
    void shouldRoundTripPerChannelQueuesOfFlowNodes() {
        ConfigBuilder b = new ConfigBuilder();
        int skill = b.skill("digid");
        int voice = b.queue("digid-voice", Channel.VOICE, skill);
        int chat = b.queue("digid-chat", Channel.CHAT, skill);
        int leaf = b.toQueue("to-digid", voice, -1);
        b.queueForChannel(leaf, Channel.CHAT, chat);
        b.entryToFlow("phone", leaf);
        RoutingConfig config = b.build();
        RoutingConfig decoded = RoutingConfigCodec.decode(RoutingConfigCodec.encode(config));
        assertThat(decoded).isEqualTo(config);
        assertThat(decoded.flowNodes().get(leaf).queueFor(Channel.CHAT.code())).isEqualTo(chat);
        assertThat(decoded.flowNodes().get(leaf).queueFor(Channel.VOICE.code())).isEqualTo(voice);
    }

    @Test
    void shouldRoundTripRequirementsAndEscalationSteps() {
        ConfigBuilder b = new ConfigBuilder();
        int digid = b.skill("digid");
        int senior = b.skill("senior");
        b.skill("nl");
        b.skill("en");
        int closed = b.prompt("too-long");
        int voice = b.queue("digid-voice", Channel.VOICE, digid);
        int other = b.queue("other-voice", Channel.VOICE, senior);
        b.requires(voice, new Requirement(new int[][] {{digid, 3, Requirement.CONTACT_LANGUAGE, 1}, {senior, 1}}));
        b.steps(voice, EscalationStep.widen(30_000, Requirement.skill(digid, 1)), EscalationStep.offerCallback(60_000),
                EscalationStep.overflow(90_000, other), EscalationStep.close(120_000, closed));
        RoutingConfig config = b.build();
        assertThat(config.problems()).isEmpty();
        assertThat(RoutingConfigCodec.decode(RoutingConfigCodec.encode(config))).isEqualTo(config);
        RoutingConfig named = new RoutingConfig(config.version(), config.skills(), config.languages(), config.prompts(), config.queues(),
                config.agents(), config.entries(), config.flowNodes(), config.maxLiveContacts(), java.util.List.of("lunch"),
                java.util.List.of("solved", "letter-sent"));
        assertThat(RoutingConfigCodec.decode(RoutingConfigCodec.encode(named))).isEqualTo(named);
        java.util.List<QueueSpec> targeted = new java.util.ArrayList<>(config.queues());
        targeted.set(voice, targeted.get(voice).withServiceLevelTargetPercent(95));
        RoutingConfig withTarget = new RoutingConfig(config.version(), config.skills(), config.languages(), config.prompts(), targeted,
                config.agents(), config.entries(), config.flowNodes(), config.maxLiveContacts(), config.pauseReasons(), config.wrapUpCodes());
        assertThat(RoutingConfigCodec.decode(RoutingConfigCodec.encode(withTarget)).queues().get(voice).serviceLevelTargetPercent()).isEqualTo(95);
        targeted.set(voice, targeted.get(voice).withServiceLevelTargetPercent(0));
        assertThat(new RoutingConfig(config.version(), config.skills(), config.languages(), config.prompts(), targeted, config.agents(),
                config.entries(), config.flowNodes(), config.maxLiveContacts(), config.pauseReasons(), config.wrapUpCodes()).problems())
                .anySatisfy(problem -> assertThat(problem).contains("serviceLevelTargetPercent"));
        targeted.set(voice, targeted.get(voice).withServiceLevelTargetPercent(95).withServiceLevel(2 * 86_400_000L, true));
        RoutingConfig onWorkingDays = new RoutingConfig(config.version(), config.skills(), config.languages(), config.prompts(), targeted,
                config.agents(), config.entries(), config.flowNodes(), config.maxLiveContacts(), config.pauseReasons(), config.wrapUpCodes(),
                new WorkingDays("Europe/Brussels", java.util.List.of(java.time.LocalDate.of(2027, 7, 21), java.time.LocalDate.of(2027, 1, 1))));
        RoutingConfig decoded = RoutingConfigCodec.decode(RoutingConfigCodec.encode(onWorkingDays));
        assertThat(decoded).isEqualTo(onWorkingDays);
        assertThat(decoded.queues().get(voice).serviceLevelOnWorkingDays()).isTrue();
        assertThat(decoded.workingDays().holidays()).as("ascending").containsExactly(java.time.LocalDate.of(2027, 1, 1),
                java.time.LocalDate.of(2027, 7, 21));
        RoutingConfig twice = new RoutingConfig(config.version(), config.skills(), config.languages(), config.prompts(), config.queues(),
                config.agents(), config.entries(), config.flowNodes(), config.maxLiveContacts(), java.util.List.of("lunch", "lunch"),
                java.util.List.of(""));
        assertThat(twice.problems()).contains("pause reasons [lunch, lunch] must be distinct, non-empty names",
                "wrap-up codes [] must be distinct, non-empty names");
    }

    /**
     * Formats 1 and 2 had one skill and level per queue where format 3 has a requirement, and no
     * escalation steps; format 3 had no deflection, selection or weight. Older journals must still replay.
     */
    @Test
    void shouldStillDecodeFormatsOneAndTwoOfSingleSkillQueues() {
        ConfigBuilder b = new ConfigBuilder();
        int skill = b.skill("digid");
        int voice = b.queue("digid-voice", Channel.VOICE, skill);
        int leaf = b.toQueue("to-digid", voice, -1);
        b.entryToFlow("phone", leaf);
        RoutingConfig config = b.build();
        byte[] v10 = RoutingConfigCodec.encode(config);
        // Format 10 added a flow node's input-timeout channels (an int) after its per-channel queues; format 9
        // decodes with every channel (the builder's nodes have every channel, as every configuration before).
        int nodeEnd = lastIndexOf(v10, "to-digid".getBytes(java.nio.charset.StandardCharsets.UTF_8)) + 8 + 4 + 4 + 4 + 4 + 4 + 4 + 8 + 4 + 4 + 4 + 4;
        assertThat(ByteBuffer.wrap(v10).getInt(nodeEnd - 4)).isEqualTo(FlowNode.EVERY_CHANNEL);
        byte[] v9 = ByteBuffer.allocate(v10.length - 4).put(v10, 0, nodeEnd - 4).put(v10, nodeEnd, v10.length - nodeEnd).array();
        ByteBuffer.wrap(v9).putInt(4, 9);
        assertThat(RoutingConfigCodec.decode(v9)).isEqualTo(config);
        assertThat(RoutingConfigCodec.decode(v10).flowNodes().get(0).withInputTimeoutChannels(FlowNode.VOICE_ONLY))
                .as("the channels are compared").isNotEqualTo(config.flowNodes().get(0));
        // Format 9 added the working-days flag (an int) at the end of each queue and the working days
        // (zone as a string, then a count of holidays) at the very end; format 8 decodes with the defaults.
        int v9QueueEnd = indexOf(v9, "digid-voice".getBytes(java.nio.charset.StandardCharsets.UTF_8)) + 11 + 4 + 16 + 4 + 32 + 4 + 36 + 8 + 4 + 4;
        assertThat(ByteBuffer.wrap(v9).getInt(v9QueueEnd - 4)).isZero();
        int workingDaysTail = 4 + WorkingDays.WEEKDAYS.zone().length() + 4;
        ByteBuffer v8b = ByteBuffer.allocate(v9.length - 4 - workingDaysTail);
        v8b.put(v9, 0, v9QueueEnd - 4).put(v9, v9QueueEnd, v9.length - workingDaysTail - v9QueueEnd);
        byte[] v8 = v8b.array();
        ByteBuffer.wrap(v8).putInt(4, 8);
        assertThat(RoutingConfigCodec.decode(v8)).isEqualTo(config);
        // Format 8 added the service-level target (an int) at the end of each queue; drop it for format 7.
        int v8QueueEnd = indexOf(v8, "digid-voice".getBytes(java.nio.charset.StandardCharsets.UTF_8)) + 11 + 4 + 16 + 4 + 32 + 4 + 36 + 8 + 4;
        assertThat(ByteBuffer.wrap(v8).getInt(v8QueueEnd - 4)).isEqualTo(QueueSpec.DEFAULT_SERVICE_LEVEL_TARGET_PERCENT);
        ByteBuffer v7b = ByteBuffer.allocate(v8.length - 4);
        v7b.put(v8, 0, v8QueueEnd - 4).put(v8, v8QueueEnd, v8.length - v8QueueEnd);
        byte[] v7 = v7b.array();
        ByteBuffer.wrap(v7).putInt(4, 7);
        assertThat(RoutingConfigCodec.decode(v7)).isEqualTo(config);
        // Format 7 added the names of pause reasons and wrap-up codes at the end (a count, then length
        // and bytes per name); format 6 decodes with the defaults, which this configuration has.
        int namesAt = indexOf(v7, "break".getBytes(java.nio.charset.StandardCharsets.UTF_8)) - 8;
        byte[] v6 = java.util.Arrays.copyOf(v7, namesAt);
        ByteBuffer.wrap(v6).putInt(4, 6);
        assertThat(RoutingConfigCodec.decode(v6)).isEqualTo(config);
        // Format 6 added the preferred-agent wait (a long) at the end of the queue; drop it for format 5.
        int v6QueueEnd = indexOf(v6, "digid-voice".getBytes(java.nio.charset.StandardCharsets.UTF_8)) + 11 + 4 + 16 + 4 + 32 + 4 + 36 + 8;
        ByteBuffer v5b = ByteBuffer.allocate(v6.length - 8);
        v5b.put(v6, 0, v6QueueEnd - 8).put(v6, v6QueueEnd, v6.length - v6QueueEnd);
        byte[] v5 = v5b.array();
        ByteBuffer.wrap(v5).putInt(4, 5);
        assertThat(RoutingConfigCodec.decode(v5)).isEqualTo(config);
        // The queue: name, channel, then [clauses 1][terms 2][skill][level] where format 2 has [skill][level],
        // then priority and four longs, then [steps 0], which format 2 lacks, then the 32 bytes of
        // deflection, selection and weight that format 4 added, then the deferrable flag of format 5.
        int requirementAt = indexOf(v5, "digid-voice".getBytes(java.nio.charset.StandardCharsets.UTF_8)) + 11 + 4;
        int stepsAt = requirementAt + 16 + 4 + 32;
        int policiesAt = stepsAt + 4;
        int afterQueue = policiesAt + 36;
        ByteBuffer v4 = ByteBuffer.allocate(v5.length - 4);
        v4.put(v5, 0, afterQueue - 4).put(v5, afterQueue, v5.length - afterQueue);
        byte[] format4 = v4.array();
        ByteBuffer.wrap(format4).putInt(4, 4);
        assertThat(RoutingConfigCodec.decode(format4)).isEqualTo(config);
        ByteBuffer v3 = ByteBuffer.allocate(v5.length - 36);
        v3.put(v5, 0, policiesAt).put(v5, afterQueue, v5.length - afterQueue);
        byte[] format3 = v3.array();
        ByteBuffer.wrap(format3).putInt(4, 3);
        assertThat(RoutingConfigCodec.decode(format3)).isEqualTo(config);
        ByteBuffer v2 = ByteBuffer.allocate(v5.length - 12 - 36);
        v2.put(v5, 0, requirementAt).put(v5, requirementAt + 8, 8).put(v5, requirementAt + 16, stepsAt - requirementAt - 16)
                .put(v5, afterQueue, v5.length - afterQueue);
        byte[] format2 = v2.array();
        ByteBuffer.wrap(format2).putInt(4, 2);
        assertThat(RoutingConfigCodec.decode(format2)).isEqualTo(config);
        // Format 1 is format 2 without the last field of each flow node (here: one node, last in the encoding).
        byte[] format1 = Arrays.copyOf(format2, format2.length - 4);
        ByteBuffer.wrap(format1).putInt(4, 1);
        assertThat(RoutingConfigCodec.decode(format1)).isEqualTo(config);
        ByteBuffer.wrap(format1).putInt(4, 11);
        assertThatThrownBy(() -> RoutingConfigCodec.decode(format1)).hasMessageContaining("format 11");
    }

    /** The node's name, after the prompt of the same name. */
    private static int lastIndexOf(byte[] haystack, byte[] needle) {
        for (int i = haystack.length - needle.length; i >= 0; i--) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
