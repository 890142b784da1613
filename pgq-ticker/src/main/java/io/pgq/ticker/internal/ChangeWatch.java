package io.pgq.ticker.internal;

/**
 * Tells whether anything can have happened since the last tick pass, from the server's
 * transaction snapshots ({@code xmin:xmax:xip,...}): the snapshot a pass started from, the
 * pass's own transaction id, and the current snapshot. When the current one equals the pass's
 * except for the pass's own transaction, no other transaction (in any database of the server)
 * has started writing or ended since the pass began, so no event can have arrived and a new pass
 * would decide exactly what the last one did, but for time (idle ticks, lag caps: the caller
 * still runs a pass when the last one said the next queue is due). Reading the snapshot is one cheap statement, where a pass
 * reads every queue. Not thread-safe; used by the tick loop's thread.
 */
final class ChangeWatch {

    private long xmax = -1;
    private String xip = null;
    private long ownXid = -1;

    /** After a pass: the snapshot it started from and its own xid ({@code null}: it wrote nothing). */
    void passed(String snapshot, Long ownXid) {
        String[] parts = snapshot.split(":", 3);
        this.xmax = Long.parseLong(parts[1]);
        this.xip = parts[2];
        this.ownXid = ownXid == null ? -1 : ownXid;
    }

    /**
     * After another transaction of the ticker's own (a lease renewal) that started from
     * {@code snapshot} and wrote as {@code ownXid}: when nothing but the last pass happened
     * before it, it becomes the new reference and true is returned; otherwise false (something
     * else happened: the caller runs a pass, which sets the reference anew).
     */
    boolean rebase(String snapshot, Long ownXid) {
        if (!unchanged(snapshot)) {
            return false;
        }
        passed(snapshot, ownXid);
        return true;
    }

    /** Forgets the last pass (after a failure, or when leadership changes): the next check says "changed". */
    void reset() {
        xip = null;
    }

    /** Whether {@code current} shows no transaction but the pass's own one since the pass began. */
    boolean unchanged(String current) {
        if (xip == null) {
            return false;
        }
        String[] parts = current.split(":", 3);
        long currentXmax = Long.parseLong(parts[1]);
        boolean onlyOwn = currentXmax == xmax || (ownXid == xmax && currentXmax == xmax + 1);
        return onlyOwn && parts[2].equals(xip);
    }
}
