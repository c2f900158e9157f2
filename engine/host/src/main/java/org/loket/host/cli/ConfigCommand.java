package org.loket.host.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.loket.config.ConfigException;
import org.loket.config.ConfigLoader;
import org.loket.config.ConfigProblem;
import org.loket.config.LoadedConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code loket config check DIR}. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Work with routing configuration folders.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Diff.class})
final class ConfigCommand {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate a configuration folder; print every problem with file, line and field. Exit 1 on errors.")
    static final class Check implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", description = "configuration folder (default: the embedded default)")
        Path folder;

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            if (folder == null) {
                // A script's unset variable gives no folder: say which configuration passed.
                spec.commandLine().getErr().println("loket config check: no folder given, so the embedded default was checked"
                        + " (name a folder to check yours)");
                spec.commandLine().getErr().flush();
            }
            try {
                LoadedConfig loaded = folder == null ? ConfigLoader.loadDefault() : ConfigLoader.load(folder);
                loaded.warnings().forEach(out::println);
                var r = loaded.routing();
                out.printf("ok: %s: version %d, %d skills, %d queues, %d agents, %d flow nodes, %d entries, %d supervisors%n",
                        loaded.source(), r.version(), r.skills().size(), r.queues().size(), r.agents().size(),
                        r.flowNodes().size(), r.entries().size(), loaded.supervisors().size());
                out.flush();
                return 0;
            } catch (ConfigException e) {
                e.problems().forEach(out::println);
                out.flush();
                return 1;
            }
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = "Show what would change from configuration A to B: items added (+), removed (-) and changed (~), "
                    + "field by field. Exit 0 when they are the same, 1 when they differ, 2 when one is invalid (the problems of both "
                    + "are printed, each with its folder).")
    static final class Diff implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "configuration folder A (the running one)")
        Path a;

        @Parameters(index = "1", description = "configuration folder B (the proposed one)")
        Path b;

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            // Both are checked, and each problem names its folder: "routing.yaml:409" alone does not say which.
            LoadedConfig from = loaded(a, out);
            LoadedConfig to = loaded(b, out);
            if (from == null || to == null) {
                out.flush();
                return 2;
            }
            var lines = org.loket.config.ConfigDiff.diff(from, to);
            lines.forEach(out::println);
            if (lines.isEmpty()) {
                out.println("no differences");
            }
            out.flush();
            return lines.isEmpty() ? 0 : 1;
        }

        /** The configuration at {@code config}, or null after printing its problems, each with the folder's path. */
        private static LoadedConfig loaded(Path config, java.io.PrintWriter out) {
            try {
                return ConfigLoader.load(config);
            } catch (ConfigException e) {
                e.problems().forEach(p -> out.println(new ConfigProblem(placed(config, p.file()), p.line(), p.field(), p.value(),
                        p.message(), p.warning())));
                return null;
            }
        }

        /** A problem's file with {@code config}'s path: the file in the folder, beside a single file, or the folder itself. */
        private static String placed(Path config, String file) {
            return file.equals(config.toString()) ? file
                    : (java.nio.file.Files.isRegularFile(config) ? config.resolveSibling(file) : config.resolve(file)).toString();
        }
    }
}
