package org.loket.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Consumer;

/** How the configuration tests read a refusal: every problem of a configuration the loader refused, and one problem's parts. */
final class Refusals {
    private Refusals() {
    }

    /** Loads something the loader must refuse. */
    @FunctionalInterface
    interface Load {
        void run() throws ConfigException;
    }

    /** The problems of a load that must be refused with a {@link ConfigException}. */
    static List<ConfigProblem> refused(Load load) {
        try {
            load.run();
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected the configuration to be refused");
    }

    /** The problems of {@code yaml}, read as the file {@code file}, which the loader must refuse. */
    static List<ConfigProblem> refused(String file, String yaml) {
        return refused(() -> ConfigLoader.parseOne(file, yaml));
    }

    /**
     * A check of one problem, for {@code anySatisfy}: at {@code line} (0: any line), in {@code field}
     * and with {@code value} (null: any), its message containing every one of {@code messageParts}.
     */
    static Consumer<ConfigProblem> problem(int line, String field, String value, String... messageParts) {
        return p -> {
            if (line > 0) {
                assertThat(p.line()).isEqualTo(line);
            }
            if (field != null) {
                assertThat(p.field()).isEqualTo(field);
            }
            if (value != null) {
                assertThat(p.value()).isEqualTo(value);
            }
            if (messageParts.length > 0) {
                assertThat(p.message()).contains(messageParts);
            }
        };
    }
}
