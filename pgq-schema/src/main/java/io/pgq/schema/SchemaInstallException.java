package io.pgq.schema;

/**
 * The schema could not be installed or used. The message says what was found and what to do;
 * the database was left unchanged (the installer works in one transaction).
 */
public class SchemaInstallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SchemaInstallException(String message) {
        super(message);
    }

    public SchemaInstallException(String message, Throwable cause) {
        super(message, cause);
    }
}
