package io.pgq.core.internal;

import java.util.regex.Pattern;

/**
 * Validates queue and consumer names before they reach the database, so that a bad name gets a
 * clear message instead of an obscure SQL error. Names are always passed as bind parameters;
 * this check is about clarity, not about injection.
 */
public final class Names {

    /** Letters, digits and {@code _ . - :}, 1 to 128 characters. */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.:\\-]{1,128}");

    private Names() {
    }

    public static String queue(String name) {
        return check("queue", name);
    }

    public static String consumer(String name) {
        return check("consumer", name);
    }

    private static String check(String what, String name) {
        if (name == null) {
            throw new IllegalArgumentException(what + " name must not be null");
        }
        if (!VALID.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid " + what + " name '" + printable(name) + "': use 1 to 128 "
                    + "letters, digits, '_', '.', '-' or ':'");
        }
        return name;
    }

    private static String printable(String name) {
        String shown = name.length() > 60 ? name.substring(0, 60) + "..." : name;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
