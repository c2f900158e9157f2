package org.loket.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import org.asteriskjava.fastagi.command.ExecCommand;
import org.asteriskjava.fastagi.command.SetVariableCommand;
import org.junit.jupiter.api.Test;

/** The quick channel sends exactly the lines asterisk-java's own commands build, tricky characters included. */
class QuickAgiChannelTest {
    private static final String[] TEXTS = {"PJSIP/agent-001,9.5", "", "a\"quoted\" word", "back\\slash\\\\twice",
        "line\nbreak", "comma,separated,options", "ünïcode €", "\\\"\n"};

    @Test
    void shouldBuildTheSameExecLinesAsAsteriskJava() {
        for (String text : TEXTS) {
            assertThat(QuickAgiChannel.execLine("Dial", text)).as(text).isEqualTo(new ExecCommand("Dial", text).buildCommand());
            assertThat(QuickAgiChannel.execLine("Playback", "a", text, "b"))
                    .isEqualTo(new ExecCommand("Playback", "a", text, "b").buildCommand());
        }
    }

    @Test
    void shouldBuildTheSameSetVariableLinesAsAsteriskJava() {
        for (String text : TEXTS) {
            assertThat(QuickAgiChannel.setVariableLine("LOKET_DONE", text)).as(text)
                    .isEqualTo(new SetVariableCommand("LOKET_DONE", text).buildCommand());
            assertThat(QuickAgiChannel.setVariableLine(text, "1")).isEqualTo(new SetVariableCommand(text, "1").buildCommand());
        }
    }
}
