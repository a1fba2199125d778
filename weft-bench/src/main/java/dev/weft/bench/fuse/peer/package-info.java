/**
 * The peers of weft's FUSE server in the FUSE benchmarks, each started as a separate process: the Java one,
 * {@link dev.weft.bench.fuse.peer.JfusePassthrough}, a passthrough file system on cryptomator's jfuse (libfuse 3
 * through FFM), whose C library calls are in {@code LibC} and the one C struct it reads in {@code StatLayout}; and
 * the C one, {@code libfuse3_passthrough.c} (a resource here) on libfuse 3's high-level API, which
 * {@link dev.weft.bench.fuse.peer.Libfuse3Peer} builds on first use.
 */
package dev.weft.bench.fuse.peer;
