package io.pgq.core;

/** The topic does not exist in the database. Create it first ({@link TopicAdmin#createTopic}). */
public class UnknownTopicException extends PgqException {

    private static final long serialVersionUID = 1L;

    public UnknownTopicException(String topic, Throwable cause) {
        super("No such topic '" + topic + "'; create it first with TopicAdmin.createTopic", cause);
    }
}
