package io.pgq.cli;

/** Shows names from the database safely on a terminal. */
final class Text {

    private Text() {
    }

    /**
     * {@code s} with control characters (C0, DEL, C1) and invisible format characters (such as
     * bidirectional overrides) escaped as {@code \n}, {@code \t}, {@code \x1b} or {@code \u202e},
     * so that a name cannot move the cursor, recolour the terminal or hide part of a line.
     */
    static String escape(String s) {
        if (s == null || s.codePoints().noneMatch(Text::unsafe)) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 8);
        s.codePoints().forEach(cp -> {
            if (!unsafe(cp)) {
                b.appendCodePoint(cp);
            } else if (cp == '\n') {
                b.append("\\n");
            } else if (cp == '\t') {
                b.append("\\t");
            } else if (cp == '\r') {
                b.append("\\r");
            } else if (cp < 0x100) {
                b.append(String.format("\\x%02x", cp));
            } else {
                b.append(String.format("\\u%04x", cp));
            }
        });
        return b.toString();
    }

    private static boolean unsafe(int cp) {
        return Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT
                || Character.getType(cp) == Character.SURROGATE;
    }
}
