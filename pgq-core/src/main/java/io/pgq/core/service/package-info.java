/**
 * The lifecycle every pgq-java background service follows (the ticker, consumers, and the group
 * machinery): see {@link io.pgq.core.service.BackgroundService}.
 */
package io.pgq.core.service;
