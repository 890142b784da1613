package io.pgq.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A database that {@code pgq ticker} ticks: the name of its ticker (the database's name, made
 * unique in the process and safe in metric names: {@code pgq.ticker.<name>.ticks}) and where
 * it is ({@code host:port/db}) for log lines. Immutable.
 *
 * @param name    the ticker's name
 * @param where   {@code host:port/database}
 * @param jdbcUrl the JDBC URL
 */
record TickedDatabase(String name, String where, String jdbcUrl) {

    static List<TickedDatabase> of(List<String> jdbcUrls) {
        List<TickedDatabase> result = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String url : jdbcUrls) {
            String db = Database.dataSource(url).getDatabaseName();
            String name = safe(db == null ? "postgres" : db);
            if (!names.add(name)) {
                name = safe(name + "_" + Database.server(url));
                for (int i = 2; !names.add(name); i++) {
                    name = safe(db) + "_" + i;
                }
            }
            result.add(new TickedDatabase(name, Database.describe(url), url));
        }
        return result;
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9_-]", "_");
    }
}
