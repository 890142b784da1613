package io.pgq.consumer;

import io.pgq.core.PgqException;

/**
 * A member was refused because it is configured differently from its group: its delivery mode,
 * dead-letter queue or session timeout is not the one the group recorded at its first join.
 * The message names each setting, the group's value and the member's. Configure the member like
 * the group, or stop every member and reset the group's settings
 * ({@link io.pgq.core.TopicAdmin#resetGroupSettings}). Nothing of the member was joined.
 */
public class GroupSettingsMismatchException extends PgqException {

    private static final long serialVersionUID = 1L;

    public GroupSettingsMismatchException(String message, String group, Throwable cause) {
        super(message, null, group, cause);
    }
}
