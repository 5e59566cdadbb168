package io.berth.agent.ansible;

import java.util.List;

/**
 * One argument of a module as Ansible's argument_spec describes it: its type (and, for lists, its elements' type),
 * whether it is required, its default, its choices, and whether it is a secret ({@code no_log}).
 */
public record Param(String name, Type type, Type elements, boolean required, Object defaultValue, List<String> choices,
                    boolean noLog) {

    /** Ansible's argument types, spelled as Ansible spells them. */
    public enum Type {
        STR, BOOL, INT, LIST, DICT, PATH;

        public String spelling() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Param {
        choices = List.copyOf(choices);
    }

    public static Param of(String name, Type type) {
        return new Param(name, type, Type.STR, false, null, List.of(), false);
    }

    public static Param choice(String name, String defaultValue, String... choices) {
        return new Param(name, Type.STR, Type.STR, false, defaultValue, List.of(choices), false);
    }

    public Param mandatory() {
        return new Param(name, type, elements, true, defaultValue, choices, noLog);
    }

    public Param byDefault(Object value) {
        return new Param(name, type, elements, required, value, choices, noLog);
    }

    public Param secret() {
        return new Param(name, type, elements, required, defaultValue, choices, true);
    }
}
