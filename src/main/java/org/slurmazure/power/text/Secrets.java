package org.slurmazure.power.text;

import java.util.regex.Pattern;

/**
 * Hides what may be a secret in text bound for a log, a message or a Slurm reason: the password of a URL's user
 * info ({@code http://svc:S3cret@proxy:3128}), {@code password=}, {@code secret=}, {@code client_secret=},
 * {@code client_assertion=}, {@code sig=} and {@code access_token} values, bearer tokens and JWTs. Pure.
 */
public final class Secrets {
    public static final String MASK = "****";
    private static final Pattern URL_PASSWORD =
            Pattern.compile("(?i)([a-z][a-z0-9+.-]*://[^/\\s:@\"']+):[^/\\s@\"']*@");
    private static final Pattern KEY_VALUE = Pattern.compile("(?i)\\b(password|passwd|pwd|secret|client_secret|"
            + "client_assertion|access_token|refresh_token|sig|token)(\"?\\s*[=:]\\s*\"?)([^\\s&\",;}]+)");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer)\\s+[A-Za-z0-9._~+/=-]+");
    private static final Pattern JWT = Pattern.compile("\\beyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");

    private Secrets() {}

    /** {@code text} with every secret-looking value replaced by {@link #MASK}; null stays null. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String s = URL_PASSWORD.matcher(text).replaceAll("$1:" + MASK + "@");
        s = KEY_VALUE.matcher(s).replaceAll("$1$2" + MASK);
        s = BEARER.matcher(s).replaceAll("$1 " + MASK);
        return JWT.matcher(s).replaceAll(MASK);
    }
}
