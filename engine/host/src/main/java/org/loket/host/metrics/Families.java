package org.loket.host.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Builds the metric families Loket's collectors return at a scrape: a counter or gauge family
 * filled point by point, and the adapters' named counters registered in one call. Names follow
 * Prometheus: {@code loket_} prefix, snake case, counters without their {@code _total} (the text
 * format adds it).
 */
public final class Families {
    private Families() {
    }

    /** A counter family being filled; {@link #build} when done. */
    public static final class Counter {
        private final CounterSnapshot.Builder builder;

        public Counter(String name, String help) {
            builder = CounterSnapshot.builder().name(name).help(help);
        }

        /** @param labels name, value, name, value, ... */
        public Counter add(double value, String... labels) {
            builder.dataPoint(CounterDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
            return this;
        }

        public MetricSnapshot build() {
            return builder.build();
        }
    }

    /** A gauge family being filled; {@link #build} when done. */
    public static final class Gauge {
        private final GaugeSnapshot.Builder builder;

        public Gauge(String name, String help) {
            builder = GaugeSnapshot.builder().name(name).help(help);
        }

        /** @param labels name, value, name, value, ... */
        public Gauge add(double value, String... labels) {
            builder.dataPoint(GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
            return this;
        }

        public MetricSnapshot build() {
            return builder.build();
        }
    }

    /**
     * Registers a gateway's counters, read at each scrape from {@code snapshot}: key {@code
     * malformedFrames} under prefix {@code loket_chat} becomes {@code loket_chat_malformed_frames_total}.
     * The keys must stay the same from one call to the next.
     *
     * @param what what the counters count, for the help text (e.g. "chat gateway")
     */
    public static void registerCounters(PrometheusRegistry registry, String prefix, String what,
                                        Supplier<Map<String, Long>> snapshot) {
        List<String> names = snapshot.get().keySet().stream().map(key -> prefix + "_" + snakeCase(key)).toList();
        registry.register(new MultiCollector() {
            @Override
            public MetricSnapshots collect() {
                List<MetricSnapshot> families = new ArrayList<>();
                for (var entry : snapshot.get().entrySet()) {
                    String words = snakeCase(entry.getKey()).replace('_', ' ');
                    families.add(new Counter(prefix + "_" + snakeCase(entry.getKey()), what + ": " + words)
                            .add(entry.getValue()).build());
                }
                return new MetricSnapshots(families);
            }

            @Override
            public List<String> getPrometheusNames() {
                return names;
            }
        });
    }

    /** {@code malformedFrames} → {@code malformed_frames}; {@code LOGGED_OUT} → {@code logged_out}. */
    public static String snakeCase(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c) && i > 0 && Character.isLowerCase(name.charAt(i - 1))) {
                out.append('_');
            }
            out.append(c == '-' ? '_' : Character.toLowerCase(c));
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
