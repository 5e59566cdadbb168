package io.berth.agent.ansible;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A module's arguments after {@link ArgSpec#validate}: typed, defaults applied, every name known. */
public record Args(Map<String, Object> values) {

    public Optional<String> str(String name) {
        return Optional.ofNullable((String) values.get(name));
    }

    public boolean bool(String name) {
        return Boolean.TRUE.equals(values.get(name));
    }

    public Optional<Long> integer(String name) {
        return Optional.ofNullable((Long) values.get(name));
    }

    @SuppressWarnings("unchecked")
    public Optional<List<String>> list(String name) {
        return Optional.ofNullable((List<String>) values.get(name));
    }

    @SuppressWarnings("unchecked")
    public Optional<Map<String, String>> dict(String name) {
        return Optional.ofNullable((Map<String, String>) values.get(name));
    }
}
