/** Internals of pgq-testing: not API, may change without notice. */
package io.pgq.testing.internal;
