package dev.weft.fuse.server;

/** Who runs a request's handler. */
public enum Dispatch {
    /**
     * The thread that read the request runs the handler and writes the reply, as libfuse does. While it does, it
     * reads nothing else: with one server thread, a {@code FUSE_INTERRUPT} for the running handler is read only
     * after the handler has returned, so only a handler that ends of its own accord ends; interrupts reach running
     * handlers when another thread is free to read them (two or more threads, or {@link #THREADLET}).
     */
    INLINE,
    /**
     * The reading thread runs the handler as a threadlet: inline on that thread unless the handler blocks (in a
     * virtual-thread-aware call); then the handler goes on as a virtual thread of the concurrency group, replies
     * from there, and the reading thread goes back to reading with fresh buffers.
     */
    THREADLET
}
