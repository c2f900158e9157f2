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
    void shouldStillDecodeFormatOneWrittenBeforeFlowNodesHadPerChannelQueues() {
        ConfigBuilder b = new ConfigBuilder();
        int skill = b.skill("digid");
        int voice = b.queue("digid-voice", Channel.VOICE, skill);
        int leaf = b.toQueue("to-digid", voice, -1);
        b.entryToFlow("phone", leaf);
        RoutingConfig config = b.build();
        byte[] v2 = RoutingConfigCodec.encode(config);
        // Format 1 is format 2 without the last field of each flow node (here: one node, last in the encoding).
        byte[] v1 = Arrays.copyOf(v2, v2.length - 4);
        ByteBuffer.wrap(v1).putInt(4, 1);
        assertThat(RoutingConfigCodec.decode(v1)).isEqualTo(config);
        ByteBuffer.wrap(v1).putInt(4, 3);
        assertThatThrownBy(() -> RoutingConfigCodec.decode(v1)).hasMessageContaining("format 3");
    }
}
