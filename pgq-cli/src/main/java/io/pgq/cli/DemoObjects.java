package io.pgq.cli;

import io.pgq.core.QueueAdmin;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The queues {@code pgq demo} puts into a user's database, and their removal when it stops:
 * only the queues this run created are dropped (with their consumers); a queue that was there
 * before is left alone and named. With {@code --keep}, or when dropping fails, the demo prints
 * what is left and the commands that remove it. Not thread-safe; used by the demo's main thread.
 */
final class DemoObjects {

    private final QueueAdmin admin;
    private final List<String> created = new ArrayList<>();
    private final List<String> existing = new ArrayList<>();

    private DemoObjects(QueueAdmin admin) {
        this.admin = admin;
    }

    /** Notes which of {@code queues} exist already, then creates the first one (the others come with the consumer). */
    static DemoObjects create(QueueAdmin admin, String queue, String... more) {
        DemoObjects objects = new DemoObjects(admin);
        List<String> all = new ArrayList<>(List.of(queue));
        all.addAll(List.of(more));
        for (String q : all) {
            (admin.queue(q).isPresent() ? objects.existing : objects.created).add(q);
        }
        admin.createQueue(queue);
        return objects;
    }

    /** Drops the queues this run created, or with {@code keep} says how to; {@code db} is what the user gave. */
    void cleanUp(boolean keep, PrintStream out, String db) {
        List<String> left = new ArrayList<>(existing);
        if (keep) {
            left.addAll(created);
        } else {
            for (String q : created) {
                try {
                    if (admin.queue(q).isPresent()) {
                        admin.dropQueue(q, true);
                        out.println("Dropped the demo's queue " + q + " and its consumers.");
                    }
                } catch (RuntimeException e) {
                    out.println("Could not drop the demo's queue " + q + ": " + Database.firstLine(e.getMessage()));
                    left.add(q);
                }
            }
        }
        for (String q : existing) {
            out.println("Queue " + q + " existed before the demo started and was left as it is.");
        }
        if (!left.isEmpty()) {
            out.println("Left in the database: queue(s) " + String.join(", ", left) + " with their consumers. Remove them with:");
            for (String q : left) {
                out.println("  pgq queue drop " + q + " --force --db '" + ConnInfo.masked(db) + "'");
            }
        }
    }
}
