package org.loket.host.gateway;

import java.util.function.Consumer;
import org.loket.config.LoadedConfig;
import org.loket.core.decision.Decision;

/** Gateways for tests that watch egress: each decision (and configuration switch) goes to a consumer. */
public final class TestGateways {
    private TestGateways() {
    }

    /** Passes every decision to {@code onDecision} on the egress thread (the instance is reused: copy what you keep). */
    public static Gateway watching(Consumer<Decision> onDecision) {
        return watching(onDecision, config -> { });
    }

    /** Also passes each configuration that comes into force to {@code onConfig}, in order with the decisions. */
    public static Gateway watching(Consumer<Decision> onDecision, Consumer<LoadedConfig> onConfig) {
        return new Gateway() {
            @Override
            public String name() {
                return "test-watch";
            }

            @Override
            public void start(GatewayContext context) {
            }

            @Override
            public void onDecision(Decision decision) {
                onDecision.accept(decision);
            }

            @Override
            public void onConfigApplied(LoadedConfig config) {
                onConfig.accept(config);
            }

            @Override
            public void close() {
            }
        };
    }
}
