package io.pgq.consumer.internal;

/** What events need to know about the batch they belong to. */
interface BatchContext {

    long batchId();

    String queue();

    String consumer();

    BatchTransaction transaction();
}
