package dev.weft.testapp;

import dev.weft.sched.ConcurrencyGroup;

/**
 * A main that builds a group, runs one worker and prints the name of its group. In a package of its own, outside
 * the {@code dev.weft.core} module, so that it can run with weft on the module path.
 */
public final class GroupMain {
    public static void main(String[] args) throws Exception {
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().name("child").build()) {
            String[] seen = new String[1];
            group.threadBuilder().start(() -> seen[0] = ConcurrencyGroup.current().name()).join();
            System.out.println("ran in " + seen[0] + " from module " + ConcurrencyGroup.class.getModule().getName());
        }
    }
}
