package io.berth.agent.ansible;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A module's arguments, checked as Ansible's AnsibleModule checks them and failing in its words: unknown names,
 * missing required ones, values that do not convert to their type (with Ansible's conversions: "yes" is a bool, "a,b"
 * a list), values outside their choices. One spec per module; every module validates through here.
 */
public record ArgSpec(String module, List<Param> params) {

    /** What Ansible shows in place of a secret argument's value. */
    public static final String MASKED = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER";
    private static final List<String> TRUE = List.of("y", "yes", "on", "1", "true", "t");
    private static final List<String> FALSE = List.of("n", "no", "off", "0", "false", "f");
    private static final ObjectMapper JSON = new ObjectMapper();

    public ArgSpec(String module, Param... params) {
        this(module, List.of(params));
    }

    /**
     * The arguments given (without Ansible's own {@code _ansible_*} keys) checked and typed; {@code warnings} gets
     * Ansible's warning for each value converted to a string.
     */
    public Args validate(Map<String, Object> given, List<String> warnings) throws ModuleFailure {
        Map<String, Param> known = new LinkedHashMap<>();
        params.forEach(p -> known.put(p.name(), p));
        TreeSet<String> unknown = new TreeSet<>(given.keySet());
        unknown.removeAll(known.keySet());
        if (!unknown.isEmpty()) {
            throw new ModuleFailure("Unsupported parameters for (" + module + ") module: " + String.join(", ", unknown)
                    + ". Supported parameters include: " + String.join(", ", new TreeSet<>(known.keySet())) + ".");
        }
        List<String> missing = params.stream().filter(p -> p.required() && given.get(p.name()) == null)
                .map(Param::name).sorted().toList();
        if (!missing.isEmpty()) {
            throw new ModuleFailure("missing required arguments: " + String.join(", ", missing));
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Param p : params) {
            Object raw = given.get(p.name());
            Object value = raw == null ? p.defaultValue() : convert(p, p.type(), raw, warnings);
            if (value != null && !p.choices().isEmpty() && !p.choices().contains(value.toString())) {
                throw new ModuleFailure("value of " + p.name() + " must be one of: " + String.join(", ", p.choices())
                        + ", got: " + (p.noLog() ? MASKED : value));
            }
            values.put(p.name(), value);
        }
        return new Args(values);
    }

    /** What Ansible echoes as {@code invocation.module_args}: every argument, secrets masked. */
    public Map<String, Object> invocation(Args args) {
        Map<String, Object> shown = new LinkedHashMap<>();
        for (Param p : params) {
            Object v = args.values().get(p.name());
            shown.put(p.name(), p.noLog() && v != null ? MASKED : v);
        }
        return shown;
    }

    private static Object convert(Param p, Param.Type type, Object raw, List<String> warnings) throws ModuleFailure {
        return switch (type) {
            case STR, PATH -> {
                if (raw instanceof String s) {
                    yield s;
                }
                if (raw instanceof Map || raw instanceof List) {
                    throw wrongType(p, raw, type, "it is a " + pythonType(raw));
                }
                String s = raw.toString();
                if (!p.noLog()) {
                    warnings.add("The value " + raw + " (type " + pythonType(raw) + ") in a string field was converted to '"
                            + s + "' (type string). If this does not look like what you expect, quote the entire value "
                            + "to ensure it does not change.");
                }
                yield s;
            }
            case BOOL -> {
                if (raw instanceof Boolean b) {
                    yield b;
                }
                String s = raw.toString().toLowerCase(java.util.Locale.ROOT);
                if (TRUE.contains(s)) {
                    yield true;
                }
                if (FALSE.contains(s)) {
                    yield false;
                }
                throw wrongType(p, raw, type, "The value '" + raw + "' is not a valid boolean. Valid booleans include: "
                        + String.join(", ", TRUE) + ", " + String.join(", ", FALSE));
            }
            case INT -> {
                if (raw instanceof Integer || raw instanceof Long) {
                    yield ((Number) raw).longValue();
                }
                try {
                    yield Long.parseLong(raw.toString().strip());
                } catch (NumberFormatException e) {
                    throw wrongType(p, raw, type, "invalid literal for int() with base 10: '" + raw + "'");
                }
            }
            case LIST -> {
                List<?> items = raw instanceof List<?> l ? l
                        : raw instanceof String s ? Arrays.asList(s.split(",", -1)) : List.of(raw);
                List<Object> out = new ArrayList<>();
                for (Object item : items) {
                    if (item == null) {
                        throw wrongType(p, raw, type, "an element is null");
                    }
                    out.add(convert(p, p.elements(), item, warnings));
                }
                yield List.copyOf(out);
            }
            case DICT -> {
                Map<?, ?> map = raw instanceof Map<?, ?> m ? m : parseDict(p, raw);
                Map<String, Object> out = new TreeMap<>();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    out.put(e.getKey().toString(), e.getValue() == null ? "" : convert(p, Param.Type.STR, e.getValue(), warnings));
                }
                yield out;
            }
        };
    }

    /** Ansible's dict from a string: JSON, or {@code k=v} pairs separated by commas or spaces. */
    private static Map<?, ?> parseDict(Param p, Object raw) throws ModuleFailure {
        String s = raw.toString().strip();
        try {
            if (s.startsWith("{")) {
                return JSON.readValue(s, Map.class);
            }
            Map<String, String> out = new TreeMap<>();
            for (String pair : s.split("[,\\s]+")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("dictionary requested, could not parse JSON or key=value");
                }
                out.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            return out;
        } catch (Exception e) {
            throw wrongType(p, raw, Param.Type.DICT, "dictionary requested, could not parse JSON or key=value");
        }
    }

    private static ModuleFailure wrongType(Param p, Object raw, Param.Type type, String why) {
        return new ModuleFailure("argument '" + p.name() + "' is of type <class '" + pythonType(raw) + "'> and we were "
                + "unable to convert to " + type.spelling() + ": " + (p.noLog() ? "(value hidden: no_log)" : why));
    }

    private static String pythonType(Object raw) {
        return raw instanceof String ? "str" : raw instanceof Boolean ? "bool" : raw instanceof Number n
                ? (n instanceof Integer || n instanceof Long ? "int" : "float")
                : raw instanceof Map ? "dict" : raw instanceof List ? "list" : raw.getClass().getSimpleName();
    }
}
