package io.berth.lab;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that runs against the real lab: tagged so only `verify` runs it, with {@link Lab} and {@link Vcsim}
 * fields honoured.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("integration")
@ExtendWith({LabExtension.class, VcsimExtension.class})
public @interface IntegrationTest {
}
