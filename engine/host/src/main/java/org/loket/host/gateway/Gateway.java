package org.loket.host.gateway;

import org.loket.config.LoadedConfig;
import org.loket.core.command.Command;
import org.loket.core.decision.Decision;

/**
 * An adapter plugged into the host: it turns outside events into commands through the
 * {@link CommandPublisher} and turns decisions into outside actions.
 * <p>Lifecycle: {@link #bind} and {@link #start} once before traffic, {@link #onDecision} on the egress thread for
 * every decision after its command is journaled, then {@link #onCommandDecided} once for the
 * command, {@link #onConfigApplied} on the same thread when a
 * configuration comes into force during traffic, {@link #close} once at shutdown.
 * <p>"The egress thread" is one thread at a time, in order: the engine's IO thread, or on a quiet
 * engine the thread standing in for it: the core thread, or the thread that published the command
 * (an adapter's own, inside {@link CommandPublisher#tryPublish}). A gateway that blocks there
 * stalls routing itself, which is why every method below must hand its work over and return.
 * The host starts a gateway with {@code Engine.startGateway}: commands it publishes during
 * {@link #start} enter the ring once it is in egress, so their decisions reach it.
 *
 * <p>Ids: commands and decisions carry dense ids (entry, queue, agent, flow node, prompt, language),
 * which are list indexes of the configuration in force; names are what stays stable across a
 * reload. A gateway maps names to ids with {@link GatewayContext#config()} until
 * {@link #onConfigApplied} hands it the next configuration.
 */
public interface Gateway extends AutoCloseable {
    /** A short name for logs and metrics, e.g. "telephony". */
    String name();

    /** Where users reach it once started, for the start-up line (e.g. {@code http://127.0.0.1:8080/}); empty when nowhere. */
    default String whereToReach() {
        return "";
    }

    /**
     * Ends the contacts of this channel that the engine recovered from the journal but that did not
     * outlive the previous process (a phone call whose connection died with it). Called by
     * {@code loket run} once per gateway, after the engine recovered and before anything else is
     * published (the configuration, business hours, other gateways' commands), before {@link #start}.
     * Read the core with {@code Engine.queryAsOfRecovery} and publish with
     * {@code Engine.tryPublishAsOfRecovery}: stamped at the time the previous process's last command
     * had, these ends come before the timers that fell due while Loket was down, which would
     * otherwise act on contacts already gone (an offer running out pauses its agent). Their
     * decisions reach no gateway (none is in egress yet); the journal has them. A gateway started
     * without this call (a test, {@code Engine.startGateway} alone) should do it in {@link #start}.
     * Default: nothing (a channel whose contacts survive a restart, or that restores them itself).
     */
    default void endContactsLeftAtRestart(org.loket.host.pipeline.Engine engine) throws Exception {
    }

    /**
     * Binds the sockets the gateway listens on, and nothing else: {@code loket run} calls it once
     * per gateway after the engine recovered and before anything is published, so a port in use
     * refuses the start while the journal holds nothing of it (the new configuration journaled by
     * a start that then stopped would be in force at the next start). {@link #start} then serves
     * on them; connections made in between wait in the socket's backlog. {@link #close} releases
     * them, also when {@link #start} never ran. A gateway started without this call (a test,
     * {@code Engine.startGateway} alone) binds in {@link #start}. Default: nothing.
     */
    default void bind() throws Exception {
    }

    /** Binds sockets (unless {@link #bind} did) and starts threads. Must return promptly. */
    void start(GatewayContext context) throws Exception;

    /**
     * Called on the egress thread, in decision order. Must not block and must not throw: hand the
     * work to the adapter's own threads. The instance is reused: copy what you keep.
     */
    void onDecision(Decision decision);

    /**
     * Called on the egress thread after the last {@link #onDecision} of a command that made
     * decisions: the decisions since the previous call are one command's. A gateway that hands
     * decisions to a contact's own thread can hand a command's over together (an offer right behind
     * the queueing, not one after the other). Same rules as {@link #onDecision}. Default: nothing.
     */
    default void onCommandDecided() {
    }

    /**
     * Called on the egress thread for every command, decisions or not, after its decisions were
     * delivered: what a gateway that keeps figures needs (the chat wallboard feeds the same
     * {@code KpiCollector} that reports use). Same rules as {@link #onDecision}: must not block,
     * must not throw, and both the command and the array are reused: copy what you keep. Default:
     * nothing.
     *
     * @param decisions the command's decisions in {@code [0, count)}
     */
    default void onCommand(Command command, Decision[] decisions, int count) {
    }

    /**
     * A configuration came into force (the core applied a {@code CONFIG_APPLIED}). Called on the
     * egress thread right after {@link #onDecision} of its {@code CONFIGURATION_APPLIED} decision
     * (whose score is {@code config.routing().version()}) and before any later decision: every
     * decision delivered before this call names ids of the previous configuration, every one after
     * it names ids of {@code config}. From here on the gateway renders with {@code config}'s texts
     * and publishes with its ids; what it remembers by id (a contact's queue, an offered agent)
     * it maps by name, as the core migrated the live state by name ({@code RoutingCore.migrate}).
     *
     * <p>Same rules as {@link #onDecision}: must not block and must not throw; hand the switch to
     * the adapter's own threads in the same order as its decisions. {@code config} is immutable and
     * never null; the host calls this only for configurations it applied itself, with their texts
     * (a configuration published as bare bytes, e.g. by a benchmark, is not announced here).
     * Commands a gateway published under the old ids that are still in the ring behind the
     * {@code CONFIG_APPLIED} are read with the new ids: a window of the ring's latency.
     *
     * <p>Default: nothing, for gateways that hold no ids or texts.
     */
    default void onConfigApplied(LoadedConfig config) {
    }

    @Override
    void close();
}
