package io.pgq.cli;

import picocli.CommandLine.Command;

/** {@code pgq upgrade}: the same as install; says what it did. */
@Command(name = "upgrade", mixinStandardHelpOptions = true,
        description = "Upgrade the pgq-java schema to this version's revision (installs it when missing).")
class UpgradeCommand extends InstallCommand {
}
