package io.pgq.cli;

import io.pgq.schema.InstallOptions;
import io.pgq.schema.InstallResult;
import io.pgq.schema.PgqSchema;
import io.pgq.schema.SchemaInstallException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgq install}: installs or upgrades the schema (idempotent). */
@Command(name = "install", mixinStandardHelpOptions = true,
        description = "Install the pgq schema into the database, or upgrade an older pgq-java schema. Idempotent.")
class InstallCommand implements Callable<Integer> {

    @Mixin
    Database database;

    @Option(names = "--use-existing-pgq", description = "Accept a PgQ that pgq-java did not install (the reference "
            + "extension) as it is, instead of refusing.")
    boolean useExisting;

    @Override
    public Integer call() {
        try {
            InstallResult r = PgqSchema.install(database.dataSource(), new InstallOptions(useExisting));
            System.out.println(switch (r.outcome()) {
                case INSTALLED -> "Installed pgq schema revision " + r.revision() + " (pgq.version() = " + r.version() + ")";
                case UPGRADED -> "Upgraded pgq schema from revision " + r.previousRevision() + " to " + r.revision();
                case UP_TO_DATE -> "pgq schema is up to date (revision " + r.revision() + ")";
                case USED_EXISTING -> "Using the existing PgQ " + r.version() + " as it is";
            });
            return 0;
        } catch (SchemaInstallException e) {
            throw new CliException(Database.firstLine(e.getMessage()), e);
        }
    }
}
