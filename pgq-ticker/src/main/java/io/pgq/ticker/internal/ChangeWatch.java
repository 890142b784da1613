package io.pgq.ticker.internal;

/**
 * Tells whether anything can have happened since the last tick pass, from the server's
 * transaction snapshots ({@code xmin:xmax:xip,...}): the snapshot a pass started from, the
 * pass's own transaction id, and the current snapshot. When the current one equals the pass's
 * except for the pass's own transaction, no other transaction (in any database of the server)
 * has started writing or ended since the pass began, so no event can have arrived and a new pass
 * would decide exactly what the last one did, but for time (idle ticks, lag caps: the caller
 * still runs a pass now and then). Reading the snapshot is one cheap statement, where a pass
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
