/** The {@code pgq} command line (picocli). Not API: use the commands, not these classes. */
package io.pgq.cli;
