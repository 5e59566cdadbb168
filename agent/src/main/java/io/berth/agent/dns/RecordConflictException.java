package io.berth.agent.dns;

/** The RRset carries another berth agent's mark: the agent leaves it alone unless told to take it over. */
public final class RecordConflictException extends DnsException {

    private final String name;
    private final String type;
    private final String otherIdentity;

    public RecordConflictException(String name, String type, String otherIdentity) {
        super(type + " " + name + " belongs to another berth agent (identity " + otherIdentity
                + "); not replacing it without take-over", false);
        this.name = name;
        this.type = type;
        this.otherIdentity = otherIdentity;
    }

    public String name() {
        return name;
    }

    public String type() {
        return type;
    }

    public String otherIdentity() {
        return otherIdentity;
    }
}
