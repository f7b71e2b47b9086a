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

    /** Also refuses text that is not valid Unicode (an unpaired surrogate), which has no UTF-8 form to store. */
    public Checks maxLength(String field, String value, int max, String message) {
        if (value != null && value.length() > max) {
            add(field, message);
        } else if (value != null && !FreeFormJson.wellFormed(value)) {
            add(field, "must be valid Unicode (it holds an unpaired surrogate)");
        }
        return this;
    }

    public Checks oneOf(String field, String value, Set<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            add(field, field + " must be one of " + String.join(", ", allowed.stream().sorted().toList()));
        }
        return this;
    }

    /** A free-form JSON object every consumer can store ({@link FreeFormJson}). */
    public Checks metadata(String field, Map<String, Object> metadata) {
        FreeFormJson.check(this, field, metadata);
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
