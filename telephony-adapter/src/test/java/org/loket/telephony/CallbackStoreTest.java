package org.loket.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.ConfigLoader;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.host.gateway.CommandFiller;
import org.loket.host.gateway.CommandPublisher;
import org.loket.host.gateway.GatewayContext;

/** Promised callbacks survive a restart of the gateway; the folder is owner-only and empties as callbacks end. */
class CallbackStoreTest {
    @TempDir
    Path work;

    private TelephonyGateway gateway(Path folder) throws Exception {
        TelephonyGateway gateway = new TelephonyGateway(TelephonySettings.from(Map.of("telephony.ami.secretFile", "unused",
                "telephony.callbackFolder", folder.toString())));
        CommandPublisher nothing = new CommandPublisher() {
            @Override
            public <A> boolean tryPublish(CommandFiller<A> filler, A argument) {
                return true;
            }
        };
        gateway.prepare(new GatewayContext(nothing, ConfigLoader.load(Path.of("src/test/resources/phone-it")), Map.of()));
        return gateway;
    }

    @Test
    void shouldKeepACallbackAcrossARestartAndForgetItWhenTheContactEnds() throws Exception {
        Path folder = work.resolve("callbacks");
        TelephonyGateway first = gateway(folder);
        first.calls().callbackScheduled(42, new Calls.Callback("0612345678", "3602ad2a7a264e58"));
        assertThat(Files.getPosixFilePermissions(folder)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(folder.resolve("42"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        TelephonyGateway second = gateway(folder); // a restart
        assertThat(second.calls().callbacks).containsEntry(42L, new Calls.Callback("0612345678", "3602ad2a7a264e58"));

        Decision end = new Decision();
        end.type = DecisionType.END_CONTACT;
        end.contactId = 42;
        second.onDecision(end);
        second.onCommandDecided();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (Files.exists(folder.resolve("42")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(folder.resolve("42")).doesNotExist();
        assertThat(second.calls().callbacks).isEmpty();
        assertThat(gateway(folder).calls().callbacks).as("a later restart finds none").isEmpty();
    }

    @Test
    void shouldLeaveFilesThatAreNotCallbacksAlone() throws Exception {
        Path folder = work.resolve("callbacks");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("README"), "not a callback");
        Files.writeString(folder.resolve("7"), "");
        assertThat(CallbackStore.open(folder).load()).isEmpty();
        assertThat(folder.resolve("README")).exists();
    }
}
