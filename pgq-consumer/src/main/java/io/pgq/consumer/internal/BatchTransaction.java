package io.pgq.consumer.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The batch's transaction as handlers see it in exactly-once mode: a connection they may write
 * through but not commit, roll back or close, and a savepoint per handler call taken the first
 * time the handler asks for the connection, so that a failed handler's writes can be undone.
 * Not thread-safe.
 */
final class BatchTransaction {

    private static final String SAVEPOINT = "pgq_handler";

    private final Connection connection;
    private final boolean exactlyOnce;
    private final Connection guarded;
    private boolean savepointExists;
    private boolean usedByHandler;

    BatchTransaction(Connection connection, boolean exactlyOnce) {
        this.connection = connection;
        this.exactlyOnce = exactlyOnce;
        this.guarded = exactlyOnce ? guard(connection) : null;
    }

    /** The connection for the current handler call; takes the savepoint on first use. */
    Connection forHandler() {
        if (!exactlyOnce) {
            throw new IllegalStateException("the batch's connection is only available in DeliveryMode.EXACTLY_ONCE; "
                    + "in AT_LEAST_ONCE mode use a connection of your own");
        }
        if (!usedByHandler) {
            execute(savepointExists ? "RELEASE SAVEPOINT " + SAVEPOINT + "; SAVEPOINT " + SAVEPOINT
                    : "SAVEPOINT " + SAVEPOINT);
            savepointExists = true;
            usedByHandler = true;
        }
        return guarded;
    }

    /** The connection for a batch handler: a savepoint for the whole batch is already taken. */
    Connection guarded() {
        if (!exactlyOnce) {
            throw new IllegalStateException("the batch's connection is only available in DeliveryMode.EXACTLY_ONCE; "
                    + "in AT_LEAST_ONCE mode use a connection of your own");
        }
        return guarded;
    }

    /** The handler call succeeded: its writes stay. */
    void keep() {
        usedByHandler = false;
    }

    /** The handler call failed or did not finish its event: its writes are undone. */
    void undo() throws SQLException {
        if (usedByHandler) {
            try (Statement st = connection.createStatement()) {
                st.execute("ROLLBACK TO SAVEPOINT " + SAVEPOINT);
            }
        }
        usedByHandler = false;
    }

    private void execute(String sql) {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot take a savepoint in the batch's transaction: " + e.getMessage(), e);
        }
    }

    private static Connection guard(Connection connection) {
        InvocationHandler h = new Guard(connection);
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, h);
    }

    /** Refuses what would end or leak the consumer's transaction. */
    private record Guard(Connection target) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            int arity = args == null ? 0 : args.length;
            if (name.equals("close") && arity == 0) {
                return null;
            }
            if (name.equals("isClosed") && arity == 0) {
                return target.isClosed();
            }
            if ((name.equals("commit") || name.equals("rollback")) && arity == 0 || name.equals("setAutoCommit")
                    || name.equals("abort")) {
                throw new SQLException("the batch's transaction is managed by the pgq consumer: " + name
                        + " is not allowed; return an Outcome or throw instead");
            }
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
