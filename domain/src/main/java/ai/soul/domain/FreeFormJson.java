package ai.soul.domain;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * What a client's free-form JSON object (a conversation's {@code metadata}) may hold, so that every
 * consumer of the event can store it as it is: the event store and Kafka (JSON), the read models
 * (BSON, whose field names are C strings and whose numbers are 64-bit), the search index and the
 * exports. Checked where the command is decided; anything else is refused with a 422 naming the
 * field, never accepted and left to fail downstream.
 * <ul>
 *   <li>keys: 1 to {@value #MAX_KEY} characters, no '.', no leading '$', no control character (NUL included),
 *       no unpaired surrogate;</li>
 *   <li>values: strings (no unpaired surrogate), booleans, null, integers within 64 bits, finite decimals
 *       within a double, objects and arrays nested at most {@value #MAX_DEPTH} deep;</li>
 *   <li>at most {@value #MAX_KEYS} keys at the top, {@value #MAX_NODES} keys and elements in all, and
 *       {@value #MAX_BYTES} bytes as UTF-8 JSON.</li>
 * </ul>
 */
public final class FreeFormJson {

    public static final int MAX_KEY = 100;
    public static final int MAX_KEYS = 100;
    public static final int MAX_DEPTH = 5;
    public static final int MAX_NODES = 1_000;
    public static final int MAX_BYTES = 16_384;

    private FreeFormJson() {
    }

    /** Adds to {@code checks} what is wrong with {@code object} (the top-level object of field {@code field}). */
    public static void check(Checks checks, String field, Map<String, ?> object) {
        if (object == null) {
            return;
        }
        if (object.size() > MAX_KEYS) {
            checks.add(field, "may hold at most " + MAX_KEYS + " keys");
        }
        Walk walk = new Walk(checks, field);
        walk.object(field, object, 1);
        if (walk.failed) {
            return;
        }
        if (walk.nodes > MAX_NODES) {
            checks.add(field, "may hold at most " + MAX_NODES + " keys and array elements in all");
        } else if (walk.bytes > MAX_BYTES) {
            checks.add(field, "must be at most " + MAX_BYTES + " bytes as JSON");
        }
    }

    /** Counts as it goes, and reports each broken rule once per path, so a huge bad value gives a short answer. */
    private static final class Walk {
        final Checks checks;
        final String root;
        int nodes;
        long bytes;
        boolean failed;

        Walk(Checks checks, String root) {
            this.checks = checks;
            this.root = root;
        }

        void object(String path, Map<?, ?> object, int depth) {
            if (depth > MAX_DEPTH) {
                fail(path, "nests objects and arrays deeper than " + MAX_DEPTH + " levels");
                return;
            }
            bytes += 2;
            for (Map.Entry<?, ?> entry : object.entrySet()) {
                if (failed || nodes > MAX_NODES || bytes > MAX_BYTES) {
                    return; // the answer is known; no work in proportion to the rest
                }
                nodes++;
                String key = String.valueOf(entry.getKey());
                String problem = keyProblem(key);
                if (problem != null) {
                    fail(path, "key '" + shown(key) + "' " + problem);
                    continue;
                }
                bytes += utf8Length(key) + 4;
                value(path + "." + key, entry.getValue(), depth);
            }
        }

        void array(String path, List<?> array, int depth) {
            if (depth > MAX_DEPTH) {
                fail(path, "nests objects and arrays deeper than " + MAX_DEPTH + " levels");
                return;
            }
            bytes += 2;
            for (int i = 0; i < array.size() && !failed && nodes <= MAX_NODES && bytes <= MAX_BYTES; i++) {
                nodes++;
                bytes += 1;
                value(path + "[" + i + "]", array.get(i), depth);
            }
        }

        void value(String path, Object value, int depth) {
            if (value == null || value instanceof Boolean) {
                bytes += 5;
            } else if (value instanceof String s) {
                if (!wellFormed(s)) {
                    fail(path, "holds an unpaired surrogate (not valid Unicode)");
                }
                bytes += utf8Length(s) + 2;
            } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
                bytes += 20;
            } else if (value instanceof BigInteger big) {
                if (big.bitLength() > 63) {
                    fail(path, "is an integer outside the 64-bit range");
                }
                bytes += 20;
            } else if (value instanceof Double || value instanceof Float) {
                if (!Double.isFinite(((Number) value).doubleValue())) {
                    fail(path, "is not a finite number");
                }
                bytes += 24;
            } else if (value instanceof BigDecimal decimal) {
                if (!Double.isFinite(decimal.doubleValue())) {
                    fail(path, "is a number outside the range of a double");
                }
                bytes += 24;
            } else if (value instanceof Map<?, ?> map) {
                object(path, map, depth + 1);
            } else if (value instanceof List<?> list) {
                array(path, list, depth + 1);
            } else {
                fail(path, "is not a JSON value");
            }
        }

        void fail(String path, String message) {
            checks.add(root, shown(path) + " " + message);
            failed = true;
        }
    }

    /** Why {@code key} cannot be a field name in every store, or null when it can. */
    static String keyProblem(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY) {
            return "must be 1-" + MAX_KEY + " characters";
        }
        if (key.contains(".") || key.startsWith("$")) {
            return "must not contain '.' or start with '$'";
        }
        for (int i = 0; i < key.length(); i++) {
            if (Character.isISOControl(key.charAt(i))) {
                return "must not contain control characters";
            }
        }
        if (!wellFormed(key)) {
            return "holds an unpaired surrogate (not valid Unicode)";
        }
        return null;
    }

    /** True when every surrogate in {@code s} is half of a pair, so the text has a UTF-8 form. */
    public static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static long utf8Length(String s) {
        // an estimate that is never below the real length: control characters are escaped as six bytes
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x20 ? 6 : c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }
        return n;
    }

    /** A path or key as an error message may show it: short, without control characters. */
    private static String shown(String s) {
        String cut = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        StringBuilder out = new StringBuilder(cut.length());
        cut.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp) || Character.getType(cp) == Character.SURROGATE) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }
}
