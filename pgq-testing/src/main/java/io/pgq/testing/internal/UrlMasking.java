package io.pgq.testing.internal;

/** Hides passwords in JDBC URLs before they reach a log or an exception message. */
final class UrlMasking {

    private UrlMasking() {
    }

    static String mask(String url) {
        return url == null ? null : url.replaceAll("(?i)(password=)[^&;]*", "$1****")
                .replaceAll("//([^/@:]+):[^/@]*@", "//$1:****@");
    }
}
