package org.loket.core.config;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.loket.core.Channel;
import org.loket.core.state.ByteArrayState;

/**
 * The binary form of a {@link RoutingConfig} carried by a journaled {@code CONFIG_APPLIED} command and
 * by snapshots. It starts with a format version; a decoder refuses a major version it does not know.
 */
public final class RoutingConfigCodec {
    /**
     * Major format version; bump when a field changes meaning or layout. Version 10 added the channels
     * a flow node's input timeout applies to (older formats decode with every channel). Version 9 added a queue's
     * service level on working days and the configuration's working days (older formats decode
     * with the time waited and {@link WorkingDays#WEEKDAYS}). Version 7 added the names
     * of pause reasons and wrap-up codes (older formats decode with the defaults). Version 6 added a queue's
     * wait for a preferred agent. Version 5 added a queue's
     * blending flag (deferrable). Version 4 added a queue's
     * deflection, agent selection and weight. Version 3 replaced a queue's
     * skill and level by a requirement and added escalation steps; version 2 added the flow nodes'
     * per-channel queues. Versions 1 and 2 still decode, so older journals replay.
     */
    public static final int FORMAT_VERSION = 10;
    private static final int FORMAT_WITHOUT_TIMEOUT_CHANNELS = 9;
    private static final int FORMAT_WITHOUT_WORKING_DAYS = 8;
    private static final int FORMAT_WITHOUT_SERVICE_LEVEL_TARGET = 7;
    private static final int FORMAT_WITHOUT_CODE_NAMES = 6;
    private static final int FORMAT_WITHOUT_PREFERRED_AGENT = 5;
    private static final int FORMAT_WITHOUT_DEFERRABLE = 4;
    private static final int FORMAT_WITHOUT_QUEUE_POLICIES = 3;
    private static final int FORMAT_WITHOUT_QUEUE_BY_CHANNEL = 1;
    private static final int FORMAT_WITH_SINGLE_SKILL_QUEUES = 2;
    private static final int MAGIC = 0x4C4B_4346; // "LKCF"

    private RoutingConfigCodec() {
    }

    /** Encodes the configuration; the result decodes to an equal configuration. */
    public static byte[] encode(RoutingConfig config) {
        Writer out = new Writer();
        out.putInt(MAGIC);
        out.putInt(FORMAT_VERSION);
        out.putLong(config.version());
        out.putInt(config.maxLiveContacts());
        out.strings(config.skills());
        out.strings(config.languages());
        out.strings(config.prompts());
        out.putInt(config.queues().size());
        for (QueueSpec q : config.queues()) {
            out.string(q.name());
            out.putInt(q.channel().code());
            out.requirement(q.requirement());
            out.putInt(q.defaultPriority());
            out.putLong(q.priorityAgingMs());
            out.putLong(q.offerTimeoutMs());
            out.putLong(q.maxWrapUpMs());
            out.putLong(q.serviceLevelMs());
            out.putInt(q.steps().size());
            for (EscalationStep step : q.steps()) {
                out.putLong(step.afterMs());
                out.putInt(step.action().code());
                if (step.widen() == null) {
                    out.putInt(-1);
                } else {
                    out.requirement(step.widen());
                }
                out.putInt(step.overflowQueueId());
                out.putInt(step.promptId());
            }
            Deflection deflection = q.deflection();
            out.putInt(deflection.maxWaiting());
            out.putLong(deflection.maxEwtMs());
            out.putInt(deflection.action().code());
            out.putInt(deflection.queueId());
            out.putInt(deflection.promptId());
            out.putInt(q.selection().ordinal());
            out.putInt(q.weightPercent());
            out.putInt(q.deferrable() ? 1 : 0);
            out.putLong(q.preferredAgentMs());
            out.putInt(q.serviceLevelTargetPercent());
            out.putInt(q.serviceLevelOnWorkingDays() ? 1 : 0);
        }
        out.putInt(config.agents().size());
        for (AgentSpec a : config.agents()) {
            out.string(a.name());
            out.ints(a.skillLevels());
            out.ints(a.capacityPerChannel());
        }
        out.putInt(config.entries().size());
        for (EntrySpec e : config.entries()) {
            out.string(e.name());
            out.putInt(e.flowNodeId());
            out.putInt(e.queueId());
        }
        out.putInt(config.flowNodes().size());
        for (FlowNode n : config.flowNodes()) {
            out.string(n.name());
            out.putInt(n.kind().ordinal());
            out.putInt(n.promptId());
            out.ints(n.nextByInput());
            out.ints(n.languageByInput());
            out.putInt(n.queueId());
            out.putInt(n.priority());
            out.putLong(n.inputTimeoutMs());
            out.putInt(n.maxRetries());
            out.putInt(n.fallbackQueueId());
            out.ints(n.queueByChannel());
            out.putInt(n.inputTimeoutChannels());
        }
        out.strings(config.pauseReasons());
        out.strings(config.wrapUpCodes());
        out.string(config.workingDays().zone());
        out.putInt(config.workingDays().holidays().size());
        for (LocalDate holiday : config.workingDays().holidays()) {
            out.putLong(holiday.toEpochDay());
        }
        return out.toByteArray();
    }

    /**
     * Decodes a configuration.
     *
     * @throws IllegalArgumentException when the bytes are not a configuration of a known format
     */
    public static RoutingConfig decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            if (in.getInt() != MAGIC) {
                throw new IllegalArgumentException("not an encoded routing configuration");
            }
            int format = in.getInt();
            if (format < FORMAT_WITHOUT_QUEUE_BY_CHANNEL || format > FORMAT_VERSION) {
                throw new IllegalArgumentException("routing configuration format " + format + " is not one of 1.." + FORMAT_VERSION);
            }
            long version = in.getLong();
            int maxLiveContacts = in.getInt();
            List<String> skills = list(in, RoutingConfigCodec::string);
            List<String> languages = list(in, RoutingConfigCodec::string);
            List<String> prompts = list(in, RoutingConfigCodec::string);
            List<QueueSpec> queues = format <= FORMAT_WITH_SINGLE_SKILL_QUEUES
                    ? list(in, b -> new QueueSpec(string(b), Channel.ofCode(b.getInt()), b.getInt(),
                            b.getInt(), b.getInt(), b.getLong(), b.getLong(), b.getLong(), b.getLong()))
                    : list(in, b -> {
                        QueueSpec queue = new QueueSpec(string(b), Channel.ofCode(b.getInt()), requirement(b), b.getInt(),
                                b.getLong(), b.getLong(), b.getLong(), b.getLong(), list(b, RoutingConfigCodec::step));
                        if (format == FORMAT_WITHOUT_QUEUE_POLICIES) {
                            return queue;
                        }
                        Deflection deflection = new Deflection(b.getInt(), b.getLong(), EscalationStep.Action.ofCode(b.getInt()),
                                b.getInt(), b.getInt());
                        queue = queue.withPolicies(deflection, AgentSelection.ofOrdinal(b.getInt()), b.getInt());
                        if (format == FORMAT_WITHOUT_DEFERRABLE) {
                            return queue;
                        }
                        queue = queue.withDeferrable(b.getInt() != 0);
                        if (format == FORMAT_WITHOUT_PREFERRED_AGENT) {
                            return queue;
                        }
                        queue = queue.withPreferredAgentMs(b.getLong());
                        if (format <= FORMAT_WITHOUT_SERVICE_LEVEL_TARGET) {
                            return queue;
                        }
                        queue = queue.withServiceLevelTargetPercent(b.getInt());
                        return format == FORMAT_WITHOUT_WORKING_DAYS ? queue : queue.withServiceLevel(queue.serviceLevelMs(), b.getInt() != 0);
                    });
            List<AgentSpec> agents = list(in, b -> new AgentSpec(string(b), ints(b), ints(b)));
            List<EntrySpec> entries = list(in, b -> new EntrySpec(string(b), b.getInt(), b.getInt()));
            List<FlowNode> nodes = list(in, b -> new FlowNode(string(b), kind(b.getInt()), b.getInt(), ints(b), ints(b),
                    b.getInt(), b.getInt(), b.getLong(), b.getInt(), b.getInt(),
                    format == FORMAT_WITHOUT_QUEUE_BY_CHANNEL ? null : ints(b),
                    format <= FORMAT_WITHOUT_TIMEOUT_CHANNELS ? FlowNode.EVERY_CHANNEL : b.getInt()));
            List<String> pauseReasons = format <= FORMAT_WITHOUT_CODE_NAMES ? RoutingConfig.DEFAULT_PAUSE_REASONS
                    : list(in, RoutingConfigCodec::string);
            List<String> wrapUpCodes = format <= FORMAT_WITHOUT_CODE_NAMES ? RoutingConfig.DEFAULT_WRAP_UP_CODES
                    : list(in, RoutingConfigCodec::string);
            WorkingDays workingDays = format <= FORMAT_WITHOUT_WORKING_DAYS ? WorkingDays.WEEKDAYS
                    : new WorkingDays(string(in), list(in, b -> LocalDate.ofEpochDay(b.getLong())));
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " unexpected bytes after the configuration");
            }
            return new RoutingConfig(version, skills, languages, prompts, queues, agents, entries, nodes, maxLiveContacts,
                    pauseReasons, wrapUpCodes, workingDays);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("routing configuration is truncated", e);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("routing configuration has a holiday out of range", e);
        }
    }

    private static Requirement requirement(ByteBuffer in) {
        int clauses = count(in);
        if (clauses < 0) {
            return null;
        }
        int[][] terms = new int[clauses][];
        for (int c = 0; c < clauses; c++) {
            terms[c] = ints(in);
            if (terms[c] == null) {
                throw new IllegalArgumentException("a requirement clause is missing");
            }
        }
        return new Requirement(terms);
    }

    private static EscalationStep step(ByteBuffer in) {
        long afterMs = in.getLong();
        EscalationStep.Action action = EscalationStep.Action.ofCode(in.getInt());
        Requirement widen = requirement(in);
        return new EscalationStep(afterMs, action, widen, in.getInt(), in.getInt());
    }

    private static FlowNode.Kind kind(int ordinal) {
        FlowNode.Kind[] kinds = FlowNode.Kind.values();
        if (ordinal < 0 || ordinal >= kinds.length) {
            throw new IllegalArgumentException("unknown flow node kind " + ordinal);
        }
        return kinds[ordinal];
    }

    private static <T> List<T> list(ByteBuffer in, Function<ByteBuffer, T> element) {
        int size = count(in);
        List<T> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(element.apply(in));
        }
        return list;
    }

    private static int count(ByteBuffer in) {
        int size = in.getInt();
        if (size < -1 || size > in.remaining()) {
            throw new IllegalArgumentException("list size " + size + " does not fit the remaining " + in.remaining() + " bytes");
        }
        return size;
    }

    private static String string(ByteBuffer in) {
        int length = count(in);
        byte[] utf8 = new byte[length];
        in.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static int[] ints(ByteBuffer in) {
        int length = count(in);
        if (length < 0) {
            return null;
        }
        int[] values = new int[length];
        for (int i = 0; i < length; i++) {
            values[i] = in.getInt();
        }
        return values;
    }

    /** The codec's writes, on the state module's growable buffer. */
    private static final class Writer {
        private final ByteArrayState out = new ByteArrayState();

        void putInt(int value) {
            out.writeInt(value);
        }

        void putLong(long value) {
            out.writeLong(value);
        }

        void string(String value) {
            out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        }

        void strings(List<String> values) {
            putInt(values.size());
            values.forEach(this::string);
        }

        void requirement(Requirement requirement) {
            putInt(requirement.clauses().length);
            for (int[] clause : requirement.clauses()) {
                ints(clause);
            }
        }

        void ints(int[] values) {
            if (values == null) {
                putInt(-1);
                return;
            }
            putInt(values.length);
            for (int value : values) {
                putInt(value);
            }
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
