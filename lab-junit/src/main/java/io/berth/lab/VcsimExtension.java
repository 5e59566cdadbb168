package io.berth.lab;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one simulator per {@link Vcsim} field before all tests of a class and registers its teardown with
 * JUnit's store, which closes it after the class whether its tests passed, failed or the set-up itself broke.
 */
public final class VcsimExtension implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(VcsimExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        for (Class<?> type = context.getRequiredTestClass(); type != null; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                Vcsim vcsim = field.getAnnotation(Vcsim.class);
                if (vcsim == null) {
                    continue;
                }
                if (!Modifier.isStatic(field.getModifiers()) || field.getType() != VcsimEnv.class) {
                    throw new ExtensionConfigurationException(
                            "@Vcsim field " + field.getName() + " must be a static VcsimEnv");
                }
                VcsimEnv env = VcsimEnv.up(vcsim.username());
                // The store closes what it holds when the class's context closes: teardown is never skipped.
                context.getStore(NAMESPACE).put(field, (AutoCloseable) env::down);
                field.setAccessible(true);
                field.set(null, env);
            }
        }
    }
}
