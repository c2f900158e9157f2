package org.loket.host.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loket.core.AgentState;
import org.loket.core.ContactState;
import org.loket.core.decision.DecisionType;
import org.loket.host.gateway.TestGateways;
import org.loket.host.config.ConfigApplier.Kind;

/** Each outcome of applying a folder to a running engine, and the counters. */
@Timeout(60)
class ConfigApplierTest {
    @TempDir
    Path folder;
    private RunningEngine running;
    private ConfigApplier applier;

    @BeforeEach
    void start() throws Exception {
        running = new RunningEngine(folder, RunningEngine.write(folder.resolve("v1"), RunningEngine.yaml(1, "q", 0)));
        applier = new ConfigApplier(running.engine, null, running.started);
    }

    @AfterEach
    void stop() {
        running.close();
    }

    @Test
    void shouldApplyAHigherVersionAndSayWhichVersionRanBefore() throws Exception {
        ConfigApplier.Outcome outcome = applier.apply(RunningEngine.write(folder.resolve("v2"), RunningEngine.yaml(2, "q", 5)));
        assertThat(outcome.kind()).as(outcome.message()).isEqualTo(Kind.APPLIED);
        assertThat(outcome.version()).isEqualTo(2);
        assertThat(outcome.running()).isEqualTo(1);
        assertThat(running.priority(0)).isEqualTo(5);
        assertThat(applier.current().routing().version()).isEqualTo(2);
        assertThat(applier.applied()).isEqualTo(1);
        assertThat(outcome.problems()).as("nothing moved").isEmpty();
    }

    @Test
    void shouldHandTheAppliedConfigurationToGatewaysRightBehindItsDecisionEvenWhenIdsMoved() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        running.engine.addGateway(TestGateways.watching(
                decision -> seen.add(decision.type + (decision.type == DecisionType.CONFIGURATION_APPLIED ? " " + decision.score : "")),
                config -> seen.add("config " + config.routing().version() + " " + config.routing().agents().get(0).name())));
        running.logIn(0); // ann
        ConfigApplier.Outcome outcome = applier.apply(RunningEngine.write(folder.resolve("v2"), """
                version: 2
                skills: [s]
                queues: [{name: q, channel: voice, skill: s}]
                agents: [{name: bob, skills: {s: 3}}, {name: ann, skills: {s: 3}}]
                entries: [{name: web, queue: q}, {name: phone, queue: q}]
                """ + RunningEngine.PHONE_PROMPTS));
        assertThat(outcome.kind()).as(outcome.message()).isEqualTo(Kind.APPLIED);
        assertThat(outcome.problems()).as("gateways follow: nothing to warn about").isEmpty();
        running.engine.awaitQuiet(5_000);
        int applied = seen.indexOf("CONFIGURATION_APPLIED 2");
        assertThat(applied).as(seen.toString()).isNotNegative();
        assertThat(seen.get(applied + 1)).isEqualTo("config 2 bob");
        assertThat(seen).containsOnlyOnce("config 2 bob");
        AgentState ann = running.query(core -> core.agentState(1));
        assertThat(ann).as("ann, now id 1, kept her state").isEqualTo(AgentState.READY);
    }

    @Test
    void shouldRefuseAnInvalidFolderWithEveryProblemAsConfigCheckPrintsThem() throws Exception {
        Path bad = RunningEngine.write(folder.resolve("bad"), "version: 2\nqueues: [{name: q, channel: fax}]\nagents: 7\n");
        ConfigApplier.Outcome outcome = applier.apply(bad);
        assertThat(outcome.kind()).isEqualTo(Kind.INVALID);
        assertThat(outcome.running()).isEqualTo(1);
        assertThat(outcome.problems()).anySatisfy(p -> assertThat(p).startsWith("error: routing.yaml:2: queues[0].channel = 'fax'"));
        assertThat(outcome.problems()).hasSizeGreaterThan(1);
        assertThat(running.version()).isEqualTo(1);
        assertThat(applier.invalid()).isEqualTo(1);
    }

    @Test
    void shouldRefuseAVersionThatIsNotAboveTheRunningOneButNotTheSameFolderSavedAgain() throws Exception {
        ConfigApplier.Outcome same = applier.apply(RunningEngine.write(folder.resolve("again"), RunningEngine.yaml(1, "q", 0)));
        assertThat(same.kind()).isEqualTo(Kind.UNCHANGED);
        assertThat(same.inForce()).isTrue();

        ConfigApplier.Outcome equal = applier.apply(RunningEngine.write(folder.resolve("equal"), RunningEngine.yaml(1, "q", 5)));
        assertThat(equal.kind()).isEqualTo(Kind.STALE_VERSION);
        assertThat(equal.message()).contains("has version 1, not above the running version 1", "raise 'version:'");
        applier.apply(RunningEngine.write(folder.resolve("v3"), RunningEngine.yaml(3, "q", 0)));
        ConfigApplier.Outcome lower = applier.apply(RunningEngine.write(folder.resolve("v2"), RunningEngine.yaml(2, "q", 0)));
        assertThat(lower.kind()).isEqualTo(Kind.STALE_VERSION);
        assertThat(running.version()).isEqualTo(3);
        assertThat(applier.staleVersions()).isEqualTo(2);
    }

    @Test
    void shouldRefuseAConfigurationWithoutAPlaceForAWaitingContactNamingIt() throws Exception {
        running.arrive(7);
        assertThat(running.contactState(7)).isEqualTo(ContactState.WAITING);
        ConfigApplier.Outcome outcome = applier.apply(RunningEngine.write(folder.resolve("renamed"), RunningEngine.yaml(2, "other", 0)));
        assertThat(outcome.kind()).isEqualTo(Kind.BLOCKED);
        assertThat(outcome.message()).contains("'q'").endsWith("the running configuration stays");
        assertThat(running.version()).isEqualTo(1);
        assertThat(running.contactState(7)).isEqualTo(ContactState.WAITING);
        assertThat(applier.blocked()).isEqualTo(1);
    }

    /** Four agents and the given pause reasons (a reason's code is 16 + its place). */
    static String pausing(long version, String pauseReasons) {
        return fourAgents(version, "", "pauseReasons: " + pauseReasons);
    }

    /** Four agents (ann, bob, cas, dan) at voice queue q, with {@code queueFields} added to it and {@code section} after. */
    private static String fourAgents(long version, String queueFields, String section) {
        return """
                version: %d
                skills: [s]
                queues: [{name: q, channel: voice, skill: s%s}]
                agents: [{name: ann, skills: {s: 3}}, {name: bob, skills: {s: 3}}, {name: cas, skills: {s: 3}}, {name: dan, skills: {s: 3}}]
                entries: [{name: phone, queue: q}]
                %s
                """.formatted(version, queueFields, section) + RunningEngine.PHONE_PROMPTS;
    }

    @Test
    void shouldRefuseToDropOrMoveAPauseReasonAgentsArePausedWithNamingThemUntilTheyAreNot() throws Exception {
        assertThat(applier.apply(RunningEngine.write(folder.resolve("v2"), pausing(2, "[break, training, meeting, administration]"))).kind())
                .isEqualTo(Kind.APPLIED);
        for (int agent = 0; agent < 4; agent++) {
            running.logIn(agent);
        }
        running.presence(0, AgentState.PAUSED, 17); // ann: training
        running.presence(1, AgentState.PAUSED, 17); // bob: training
        running.presence(2, AgentState.PAUSED, 19); // cas: administration
        running.presence(3, AgentState.PAUSED, 16); // dan: break, which keeps its place
        Path v3 = RunningEngine.write(folder.resolve("v3"), pausing(3, "[break, administration, meeting]"));

        ConfigApplier.Outcome refused = applier.apply(v3);
        assertThat(refused.kind()).as(refused.message()).isEqualTo(Kind.BLOCKED);
        assertThat(refused.message()).contains(
                "agents are paused with pause reasons this configuration drops or moves: "
                        + "'training' (ann, bob) is gone: its code would read as 'administration'; "
                        + "'administration' (cas) moves: its code would read as 'code-19'.",
                "append new reasons at the end").doesNotContain("dan").endsWith("the running configuration stays");
        assertThat(running.version()).isEqualTo(2);
        assertThat(applier.blocked()).isEqualTo(1);

        running.presence(0, AgentState.READY, -1);
        running.presence(1, AgentState.PAUSED, 16);
        running.presence(2, AgentState.LOGGED_OUT, -1);
        ConfigApplier.Outcome applied = applier.apply(v3);
        assertThat(applied.kind()).as(applied.message()).isEqualTo(Kind.APPLIED);
        assertThat(running.<String>query(core -> core.config().pauseReasonLabel(core.agentPauseReason(3))))
                .as("dan's pause still reads as break").isEqualTo("break");
    }

    /** Queue q with after-call work (ten minutes at most) and the given wrap-up codes (a code is its place). */
    private static String wrappingUp(long version, String wrapUpCodes) {
        return fourAgents(version, ", wrapUpSeconds: 600", "wrapUpCodes: " + wrapUpCodes);
    }

    /**
     * Wrap-up codes are places in a list too, but nothing live holds one: a contact in after-call
     * work gets its code with WRAP_UP_DONE, which the desktop maps from the code's name and the
     * phone from *57N with the list in force then, and every reader labels it with the list in force
     * at that command. So a reload that reorders or drops codes while contacts are in wrap-up
     * applies, and the reports label each code as it was given, before the reload and after.
     */
    @Test
    void shouldApplyAReloadThatReordersOrDropsWrapUpCodesWhileContactsAreInWrapUp() throws Exception {
        assertThat(applier.apply(RunningEngine.write(folder.resolve("v2"), wrappingUp(2, "[solved, letter-sent, escalated]"))).kind())
                .isEqualTo(Kind.APPLIED);
        running.logIn(0);
        for (long contact : new long[] {7, 8}) {
            running.arrive(contact);
            running.held(org.loket.core.command.CommandType.OFFER_ACCEPTED, contact, 0, -1);
            running.held(org.loket.core.command.CommandType.CONTACT_ENDED, contact, 0, -1);
            if (contact == 7) {
                running.held(org.loket.core.command.CommandType.WRAP_UP_DONE, contact, 0, 1); // letter-sent
            }
        }
        assertThat(running.contactState(8)).isEqualTo(ContactState.WRAP_UP);

        ConfigApplier.Outcome outcome = applier.apply(RunningEngine.write(folder.resolve("v3"), wrappingUp(3, "[escalated, solved]")));
        assertThat(outcome.kind()).as(outcome.message()).isEqualTo(Kind.APPLIED);
        assertThat(running.contactState(8)).isEqualTo(ContactState.WRAP_UP);
        running.held(org.loket.core.command.CommandType.WRAP_UP_DONE, 8, 0, 0); // escalated, by the list now in force

        var report = org.loket.host.kpi.JournalKpis.read(folder.resolve("journal"), java.time.ZoneOffset.UTC, 5_000);
        assertThat(report.totals().wrapUpCodes()).containsExactly(java.util.Map.entry("escalated", 1L), java.util.Map.entry("letter-sent", 1L));
    }
}
