package org.slurmazure.power.hostlist;

/** Unsigned 64-bit decimal helpers, printing like C's {@code printf("%0*lu", width, n)}. */
final class Numbers {
    private Numbers() {}

    /** Decimal digits of {@code n} read as unsigned (1 for 0). */
    static int digits(long n) {
        if (n < 0) {
            return 20; // 2^63 .. 2^64-1
        }
        int d = 1;
        long limit = 10;
        while (d < 19 && n >= limit) {
            d++;
            limit *= 10;
        }
        return d;
    }

    /** Slurm's _zero_padded: how many zeros {@code "%0*lu"} puts before {@code n} for this width. */
    static int zeroPadding(long n, int width) {
        int d = digits(n);
        return width > d ? width - d : 0;
    }

    /** Appends {@code n} (unsigned) zero-padded to {@code width} characters. */
    static void appendPadded(StringBuilder sb, long n, int width) {
        for (int pad = zeroPadding(n, width); pad > 0; pad--) {
            sb.append('0');
        }
        if (n >= 0) {
            sb.append(n);
        } else {
            sb.append(Long.toUnsignedString(n));
        }
    }

    /** True when the decimal digits {@code s[from, to)} are a number of at most 2^64-1 (an unsigned long). */
    static boolean fits(CharSequence s, int from, int to) {
        // up to 19 digits always fit in an unsigned long; 20 digits fit when not above 18446744073709551615
        int first = from;
        while (first < to - 1 && s.charAt(first) == '0') {
            first++;
        }
        int n = to - first;
        if (n < 20) {
            return true;
        }
        if (n > 20) {
            return false;
        }
        return "18446744073709551615".compareTo(s.subSequence(first, to).toString()) >= 0;
    }

    /** The unsigned value of the decimal digits {@code s[from, to)}, which must {@link #fits fit}. */
    static long parse(CharSequence s, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
    }
}
