package org.loket.host.cli;

import java.nio.file.Path;
import org.loket.config.ConfigException;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import picocli.CommandLine;

/** Loads {@code --config DIR}, or the embedded default; prints every problem and fails on errors. */
final class ConfigOption {
    private ConfigOption() {
    }

    static LoadedConfig load(Path folder, CommandLine.Model.CommandSpec spec) {
        try {
            LoadedConfig loaded = folder == null ? ConfigLoader.loadDefault() : ConfigLoader.load(folder);
            loaded.warnings().forEach(w -> spec.commandLine().getErr().println(w));
            return loaded;
        } catch (ConfigException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "configuration " + (folder == null ? ConfigLoader.EMBEDDED_DEFAULT : folder) + " is not valid:\n"
                            + e.getMessage());
        }
    }
}
