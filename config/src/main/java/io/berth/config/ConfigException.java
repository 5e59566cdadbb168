package io.berth.config;

/** A bad configuration: a one-line message that starts with the field (or variable) at fault and holds no secret. */
public final class ConfigException extends RuntimeException {

    private final String field;
    private final String variable;
    private final String detail;

    /** {@code field: detail}. */
    public ConfigException(String field, String detail) {
        this(field, null, detail);
    }

    /** {@code field (VARIABLE): detail} when the value came from an environment variable, else {@code field: detail}. */
    public ConfigException(String field, String variable, String detail) {
        // Callers quote what they echo; this only guarantees the one line a launcher or Ansible shows.
        super((field + (variable == null ? "" : " (" + variable + ")") + ": " + detail).replaceAll("[\\r\\n]+", " "));
        this.field = field;
        this.variable = variable;
        this.detail = detail;
    }

    /** The field path (e.g. {@code dns.zone}, {@code swarm.joinAddrs[1]}), {@code config}, or a {@code BERTH_*} name. */
    public String field() {
        return field;
    }

    /** The fault without its field: another key can be put in front of it. */
    String detail() {
        return detail;
    }

    /** The same fault in a file that holds this schema under a key: {@code dns.zone} → {@code agent.dns.zone}. */
    ConfigException within(String prefix) {
        return new ConfigException(prefix + field, variable, detail);
    }
}
