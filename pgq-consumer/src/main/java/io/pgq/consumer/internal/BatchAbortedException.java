package io.pgq.consumer.internal;

import io.pgq.core.PgqException;

/** The consumer is being stopped and its shutdown timeout ran out: the batch is rolled back. */
final class BatchAbortedException extends PgqException {

    private static final long serialVersionUID = 1L;

    BatchAbortedException(long batchId, String queue, String consumer) {
        super("Batch " + batchId + " was abandoned because the shutdown timeout ran out; it will be delivered again",
                queue, consumer, null);
    }
}
