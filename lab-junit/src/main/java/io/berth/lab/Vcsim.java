package io.berth.lab;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static {@link VcsimEnv} field of an {@link IntegrationTest} class: the extension starts a fresh vCenter
 * simulator (lab/vcsim) before the class's first test and always stops it, and removes its dir, after its last one.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
public @interface Vcsim {
    /** The one user the simulator's Login accepts (its password is random, in {@link VcsimEnv#passwordFile()}). */
    String username() default "berth";
}
