/**
 * The Java peer of weft's FUSE server in the FUSE benchmarks: {@link dev.weft.bench.fuse.peer.JfusePassthrough},
 * a passthrough file system on cryptomator's jfuse (libfuse 3 through FFM), started as a separate process.
 * {@code LibC} holds its C library calls and {@code StatLayout} the one C struct it reads.
 */
package dev.weft.bench.fuse.peer;
