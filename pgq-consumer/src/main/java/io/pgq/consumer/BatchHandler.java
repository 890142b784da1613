package io.pgq.consumer;

/**
 * Handles a whole batch at once, e.g. to write it with one statement. The events are streamed
 * from the database in chunks ({@link Batch#events()} reads them once, in {@code ev_id} order),
 * so a batch of any size fits in memory as long as the handler does not keep them all.
 *
 * <p>Every event the handler does not mark with {@link Batch#retry} or {@link Batch#deadLetter}
 * is done, including events it did not read. If the handler throws, everything it did in the
 * batch's transaction is rolled back (its marks too) and every event of the batch gets the
 * outcome the {@link RetryPolicy} chooses for that exception.
 *
 * <p>Called on the consumer's thread for that batch ({@code pgq-consumer-<queue>-<n>}).
 */
@FunctionalInterface
public interface BatchHandler {

    void handle(Batch batch) throws Exception;
}
