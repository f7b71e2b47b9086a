package ai.soul.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Collects every broken field rule of one command, so a client learns all of them at once. */
public final class Checks {

    private final Map<String, List<String>> fields = new LinkedHashMap<>();

    public Checks required(String field, String value, String message) {
        if (value == null || value.isBlank()) {
            add(field, message);
        }
        return this;
    }

    public Checks maxLength(String field, String value, int max, String message) {
        if (value != null && value.length() > max) {
            add(field, message);
        }
        return this;
    }

    public Checks oneOf(String field, String value, Set<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            add(field, field + " must be one of " + String.join(", ", allowed.stream().sorted().toList()));
        }
        return this;
    }

    /** Metadata keys become field names in the read models: plain, short, without '.' or a leading '$'. */
    public Checks metadataKeys(String field, java.util.Map<String, Object> metadata) {
        if (metadata == null) {
            return this;
        }
        if (metadata.size() > 100) {
            add(field, "Metadata may hold at most 100 keys");
        }
        for (String key : metadata.keySet()) {
            if (key.isEmpty() || key.length() > 100 || key.contains(".") || key.startsWith("$")) {
                add(field, "Metadata key '" + (key.length() > 100 ? key.substring(0, 100) + "…" : key)
                        + "' must be 1-100 characters without '.' or a leading '$'");
            }
        }
        return this;
    }

    public Checks add(String field, String message) {
        fields.computeIfAbsent(field, f -> new ArrayList<>()).add(message);
        return this;
    }

    public void orThrow() {
        if (!fields.isEmpty()) {
            throw new RuleViolation(fields);
        }
    }
}
