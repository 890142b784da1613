package io.pgq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code --help} describes every option and positional argument; {@code --version} prints the version. */
class HelpTest {

    @Test
    void everyOptionAndPositionalHasADescription() {
        List<String> undescribed = new ArrayList<>();
        collect(new CommandLine(new PgqCommand()).getCommandSpec(), undescribed);
        assertThat(undescribed).isEmpty();
    }

    private static void collect(CommandSpec spec, List<String> undescribed) {
        List<ArgSpec> args = new ArrayList<>(spec.options());
        args.addAll(spec.positionalParameters());
        for (ArgSpec a : args) {
            if (a.description().length == 0 || String.join("", a.description()).isBlank()) {
                undescribed.add(spec.qualifiedName() + " " + a.paramLabel() + (a.isOption()
                        ? " (" + ((CommandLine.Model.OptionSpec) a).longestName() + ")" : ""));
            }
        }
        spec.subcommands().values().forEach(sub -> collect(sub.getCommandSpec(), undescribed));
    }

    @Test
    void queueConfigSaysOmittedSettingsStayAndCreateNamesTheDefaults() {
        String config = CliTest.run(null, "queue", "config", "--help").out();
        assertThat(config).contains("--max-lag=DURATION").contains("unchanged when omitted").doesNotContain("default");
        String create = CliTest.run(null, "queue", "create", "--help").out();
        assertThat(create).contains("(default 3s)").contains("(default 500)");
    }

    @Test
    void versionPrintsTheVersion() {
        CliTest.Run r = CliTest.run(null, "--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).matches("pgq-java \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\n");
    }
}
