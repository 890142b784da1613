/** Implementation of pgq-core: not API, may change without notice. */
package io.pgq.core.internal;
