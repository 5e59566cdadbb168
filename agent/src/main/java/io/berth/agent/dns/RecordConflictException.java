package io.berth.agent.dns;

/** The RRset carries another berth agent's mark: the agent leaves it alone unless told to take it over. */
public final class RecordConflictException extends DnsException {

    private final String name;
    private final String type;
    private final String otherIdentity;

    public RecordConflictException(String name, String type, String otherIdentity) {
        this(name, type, otherIdentity, type + " " + name + " belongs to another berth agent (identity "
                + otherIdentity + "); not replacing it without take-over");
    }

    private RecordConflictException(String name, String type, String otherIdentity, String message) {
        super(message, false);
        this.name = name;
        this.type = type;
        this.otherIdentity = otherIdentity;
    }

    /**
     * The PTR {@code ptrName} of {@code address} is another live host's: {@code otherFqdn}'s A, marked by the same
     * {@code otherIdentity} as the PTR, still points at the address (two hosts claim one address).
     */
    static RecordConflictException addressInUse(String ptrName, String address, String otherFqdn,
                                                String otherIdentity, String ourFqdn) {
        return new RecordConflictException(ptrName, "PTR", otherIdentity, "PTR " + ptrName + " of " + address
                + " belongs to " + otherFqdn + " (identity " + otherIdentity + "), whose A record still points at "
                + address + ": two hosts claim " + address + "; not taking its PTR for " + ourFqdn
                + " without take-over");
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
