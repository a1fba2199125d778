/**
 * weft-fuse: a pure-Java FUSE server speaking the /dev/fuse protocol directly (no libfuse, no JNI).
 */
module dev.weft.fuse {
    requires transitive dev.weft.core; // FuseServer.Builder takes a ConcurrencyGroup
    requires dev.weft.uring;

    exports dev.weft.fuse;
    exports dev.weft.fuse.proto;
    exports dev.weft.fuse.kernel;
    exports dev.weft.fuse.server;
    exports dev.weft.fuse.passthrough;
}
