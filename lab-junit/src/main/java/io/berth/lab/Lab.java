package io.berth.lab;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static {@link LabEnv} field of an {@link IntegrationTest} class: the extension brings up a
 * fresh lab before the class's first test and always tears it down after its last one.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
public @interface Lab {
    /** Worker hosts (bare engines, not yet in the Swarm). */
    int workers() default 2;

    /** Serve the managers' Engine API with mutual TLS instead of plain TCP. */
    boolean tls() default false;

    /**
     * Swarm managers, 1 to 5: {@code manager} (which initialises the Swarm), then {@code manager2},
     * {@code manager3}, … joined as managers; the lab is up once every one is Reachable with one Leader.
     */
    int managers() default 1;
}
