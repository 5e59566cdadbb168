package io.berth.agent.state;

/** A replicated task that ran on this node when it was drained: its service, its slot and its old task id. */
public record MovingTask(String service, int slot, String task) {

    @Override
    public String toString() {
        return service + "." + slot;
    }
}
