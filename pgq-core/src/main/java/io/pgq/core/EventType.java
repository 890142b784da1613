package io.pgq.core;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the {@code ev_type} of events whose payload is the annotated class.
 *
 * <pre>{@code
 * @EventType("order.created")
 * public record OrderCreated(long orderId, String customer, Instant at) {}
 *
 * producer.send("orders", new OrderCreated(42, "c-7", Instant.now()));   // ev_type = "order.created"
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventType {
    /** The {@code ev_type} string. */
    String value();
}
