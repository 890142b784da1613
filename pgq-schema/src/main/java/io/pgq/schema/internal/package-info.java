/** Internals of pgq-schema (script loading, generated jOOQ classes): not API, may change. */
package io.pgq.schema.internal;
