package ai.soul.projections.usage;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** The shared vocabulary of the usage counters: days in UTC, document ids, and safe field names. */
public final class UsageKeys {

    private UsageKeys() {
    }

    public static LocalDate day(Instant at) {
        return LocalDate.ofInstant(at, ZoneOffset.UTC);
    }

    /** The _id of an account's counters of one day. */
    public static String id(String accountId, LocalDate day) {
        return accountId + "|" + day;
    }

    /**
     * A value (a model name, a route) as one field name: MongoDB reads '.' as a path and a leading
     * '$' as an operator, so both are percent-encoded, and '%' too so that it decodes back exactly.
     */
    public static String field(String value) {
        String escaped = value.replace("%", "%25").replace(".", "%2E");
        return escaped.startsWith("$") ? "%24" + escaped.substring(1) : escaped;
    }

    public static String unfield(String field) {
        return field.replace("%2E", ".").replace("%24", "$").replace("%25", "%");
    }
}
