/** Implementation of pgq-consumer: not API, may change without notice. */
package io.pgq.consumer.internal;
