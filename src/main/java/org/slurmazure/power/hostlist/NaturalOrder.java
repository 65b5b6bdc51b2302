package org.slurmazure.power.hostlist;

/**
 * The "natural order" string comparison Slurm sorts hostlist prefixes with (src/common/strnatcmp.c, after Martin
 * Pool's strnatcmp): runs of digits compare as numbers ({@code gpu7x < gpu10x}); a run starting with {@code 0}
 * compares digit by digit from the left; white space is skipped. Characters compare as C's signed {@code char} of
 * their UTF-8 bytes, so any non-ASCII character sorts before every ASCII one and before the end of the string.
 *
 * <p>One deliberate difference: two different strings that Slurm's comparison finds equal (they differ only in
 * white space) are ordered by {@link String#compareTo}, so that they never share one bracket.
 */
final class NaturalOrder {
    private NaturalOrder() {}

    static int compare(String a, String b) {
        int r = strnatcmp(a, b);
        return r != 0 ? r : Integer.signum(a.compareTo(b));
    }

    /** The character at i as C sees it (0 past the end; non-ASCII negative, in code point order). */
    private static int at(String s, int i) {
        if (i >= s.length()) {
            return 0;
        }
        char c = s.charAt(i);
        return c < 0x80 ? c : c - 0x10000;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    static int strnatcmp(String a, String b) {
        int ai = 0;
        int bi = 0;
        while (true) {
            int ca = at(a, ai);
            int cb = at(b, bi);
            while (isSpace(ca)) {
                ca = at(a, ++ai);
            }
            while (isSpace(cb)) {
                cb = at(b, ++bi);
            }
            if (isDigit(ca) && isDigit(cb)) {
                boolean fractional = ca == '0' || cb == '0';
                int result = fractional ? compareLeft(a, ai, b, bi) : compareRight(a, ai, b, bi);
                if (result != 0) {
                    return result;
                }
            }
            if (ca == 0 && cb == 0) {
                return 0;
            }
            if (ca < cb) {
                return -1;
            }
            if (ca > cb) {
                return +1;
            }
            ++ai;
            ++bi;
        }
    }

    /** Right-aligned numbers: the longer run wins, else the first differing digit. */
    private static int compareRight(String a, int ai, String b, int bi) {
        int bias = 0;
        for (; ; ai++, bi++) {
            int ca = at(a, ai);
            int cb = at(b, bi);
            if (!isDigit(ca) && !isDigit(cb)) {
                return bias;
            } else if (!isDigit(ca)) {
                return -1;
            } else if (!isDigit(cb)) {
                return +1;
            } else if (ca < cb) {
                if (bias == 0) {
                    bias = -1;
                }
            } else if (ca > cb) {
                if (bias == 0) {
                    bias = +1;
                }
            }
        }
    }

    /** Left-aligned numbers (a run starting with 0): the first differing digit wins. */
    private static int compareLeft(String a, int ai, String b, int bi) {
        for (; ; ai++, bi++) {
            int ca = at(a, ai);
            int cb = at(b, bi);
            if (!isDigit(ca) && !isDigit(cb)) {
                return 0;
            } else if (!isDigit(ca)) {
                return -1;
            } else if (!isDigit(cb)) {
                return +1;
            } else if (ca < cb) {
                return -1;
            } else if (ca > cb) {
                return +1;
            }
        }
    }
}
