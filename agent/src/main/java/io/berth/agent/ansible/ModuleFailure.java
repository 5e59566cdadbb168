package io.berth.agent.ansible;

/** A module's failure as Ansible shows it: {@code failed: true} and this message (never a secret, never a trace). */
public class ModuleFailure extends Exception {

    public ModuleFailure(String msg) {
        super(msg);
    }
}
