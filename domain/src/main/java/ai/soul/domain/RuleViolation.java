package ai.soul.domain;

import ai.soul.schemas.Refusal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A command broke a rule about its own fields; {@code fields} names each field and what is wrong with it. */
public class RuleViolation extends RuntimeException implements Refusal {

    private final Map<String, List<String>> fields;

    public RuleViolation(Map<String, List<String>> fields) {
        super("Validation failed: " + fields.keySet());
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public Map<String, List<String>> fields() {
        return fields;
    }

    @Override
    public int status() {
        return 422;
    }

    @Override
    public String code() {
        return "validation_error";
    }

    @Override
    public Map<String, Object> details() {
        return Map.of("fields", fields);
    }
}
