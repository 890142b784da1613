package io.pgq.consumer.internal.topic;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;

/**
 * The event's transaction as a handler sees it in exactly-once mode: it may write through it,
 * but {@code commit}, {@code rollback()} and {@code setAutoCommit} throw and {@code close} does
 * nothing; the worker commits the writes together with the partition's progress.
 */
final class HandlerConnection implements InvocationHandler {

    private final Connection target;

    private HandlerConnection(Connection target) {
        this.target = target;
    }

    static Connection guard(Connection target) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                new HandlerConnection(target));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        int arity = args == null ? 0 : args.length;
        if (name.equals("close") && arity == 0) {
            return null;
        }
        if ((name.equals("commit") || name.equals("rollback")) && arity == 0 || name.equals("setAutoCommit")) {
            throw new IllegalStateException("the topic consumer manages this transaction: " + name
                    + " is not allowed in a handler (it commits with the partition's progress)");
        }
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
