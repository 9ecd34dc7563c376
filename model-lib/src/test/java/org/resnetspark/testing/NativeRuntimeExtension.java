package org.resnetspark.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.resnetspark.runtime.NativeRuntime;

/** Configures ND4J's native runtime before the first test class, as the jobs do at start-up. */
public class NativeRuntimeExtension implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        NativeRuntime.configure();
    }
}
