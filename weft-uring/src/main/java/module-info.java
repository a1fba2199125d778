/**
 * weft-uring: io_uring driven from Java through FFM with the raw {@code io_uring_setup}, {@code io_uring_enter} and
 * {@code io_uring_register} system calls (no liburing, no JNI). Needs {@code --enable-native-access=dev.weft.uring}
 * (or {@code ALL-UNNAMED} on the class path).
 */
module dev.weft.uring {
    requires transitive dev.weft.core; // its API names weft-core types (ServerPoller, ConcurrencyGroup.Builder)
    requires jdk.unsupported;

    exports dev.weft.uring;
    exports dev.weft.uring.kernel;
}
