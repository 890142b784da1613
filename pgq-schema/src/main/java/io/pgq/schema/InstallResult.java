package io.pgq.schema;

/**
 * What {@link PgqSchema#install} found and did. Immutable.
 *
 * @param outcome          what happened
 * @param previousRevision the pgq-java schema revision found before, or -1 if none
 * @param revision         the revision in the database now (-1 when a foreign PgQ is used)
 * @param version          what {@code pgq.version()} returns now
 */
public record InstallResult(Outcome outcome, int previousRevision, int revision, String version) {

    /** What the installer did. */
    public enum Outcome {
        /** There was no pgq schema; it was installed. */
        INSTALLED,
        /** An older pgq-java schema revision was upgraded. */
        UPGRADED,
        /** The schema was already at this revision; nothing was changed. */
        UP_TO_DATE,
        /** A PgQ not installed by pgq-java was found and is used as it is. */
        USED_EXISTING
    }
}
