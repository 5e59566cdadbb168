package io.berth.controller.flip;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One placement constraint ({@code node.labels.berth.pool != blue}), evaluated against a node's spec as swarmkit's
 * {@code constraint.NodeMatches} does: values compare case-insensitively, a missing label is the empty string,
 * label keys are case-sensitive.
 */
record Constraint(String text, String key, boolean equal, String value) {

    private static final Pattern FORM = Pattern.compile("^\\s*([\\w.\\-]+)\\s*(==|!=)\\s*(.*?)\\s*$");
    private static final String NODE_LABELS = "node.labels.";
    private static final String ENGINE_LABELS = "engine.labels.";

    /** Throws IllegalArgumentException for a form or key berth cannot evaluate (the flip then refuses). */
    static Constraint parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches() || m.group(3).isEmpty()) {
            throw new IllegalArgumentException("constraint '" + text + "': not of the form key==value or key!=value");
        }
        String key = m.group(1);
        String lower = key.toLowerCase(java.util.Locale.ROOT);
        boolean known = List.of("node.id", "node.hostname", "node.role", "node.platform.os", "node.platform.arch")
                .contains(lower) || (lower.startsWith(NODE_LABELS) && key.length() > NODE_LABELS.length())
                || (lower.startsWith(ENGINE_LABELS) && key.length() > ENGINE_LABELS.length());
        if (!known) {
            throw new IllegalArgumentException("constraint '" + text + "': berth cannot evaluate key " + key);
        }
        return new Constraint(text.strip(), key, m.group(2).equals("=="), m.group(3));
    }

    boolean matches(Node node) {
        String lower = key.toLowerCase(java.util.Locale.ROOT);
        String actual;
        if (lower.startsWith(NODE_LABELS)) {
            actual = node.labels().getOrDefault(key.substring(NODE_LABELS.length()), "");
        } else if (lower.startsWith(ENGINE_LABELS)) {
            actual = node.engineLabels().getOrDefault(key.substring(ENGINE_LABELS.length()), "");
        } else {
            actual = switch (lower) {
                case "node.id" -> node.id();
                case "node.hostname" -> node.hostname();
                case "node.role" -> node.role();
                case "node.platform.os" -> node.os();
                default -> node.arch();
            };
        }
        return value.equalsIgnoreCase(actual == null ? "" : actual) == equal;
    }

    /** Whether the node meets every constraint. */
    static boolean all(List<Constraint> constraints, Node node) {
        return constraints.stream().allMatch(c -> c.matches(node));
    }
}
