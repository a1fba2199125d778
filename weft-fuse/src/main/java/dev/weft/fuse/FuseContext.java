package dev.weft.fuse;

/**
 * Who made a request and whether the kernel has interrupted it. One context per request, valid until the handler
 * returns.
 *
 * <h2>Interrupts</h2>
 * When the calling process is signalled while its request is in the server, the kernel sends {@code FUSE_INTERRUPT}.
 * The server then marks the request interrupted ({@link #isInterrupted()}), interrupts the handler's thread when
 * the handler runs as a threadlet (a virtual thread: a blocking call such as {@code Thread.sleep} or a lock wait
 * then throws). A handler that gives up throws: {@code EINTR} ({@link #checkInterrupted()} does, and a handler doing
 * long work should call it between steps), or whatever its interrupted call threw; the request then ends with
 * {@code EINTR} either way. One that finishes replies its result, because its effects (an open file handle, a created
 * name) have happened and the caller must learn of them, as libfuse's low-level API has it.
 */
public interface FuseContext {

    /** The {@code fh} handlers see when the kernel passed none (e.g. GETATTR on a path, SETATTR without a file). */
    long NO_FH = -1;

    /** The caller's effective user id. */
    int uid();

    /** The caller's effective group id. */
    int gid();

    /** The caller's thread group id (0 when the kernel sends a request on its own behalf). */
    int pid();

    /** The request's {@code unique}, for logs. */
    long unique();

    /** Whether the kernel has sent {@code FUSE_INTERRUPT} for this request. */
    boolean isInterrupted();

    /** Throws {@code EINTR} if the request was interrupted. */
    default void checkInterrupted() throws FuseException {
        if (isInterrupted()) {
            throw new FuseException(dev.weft.fuse.proto.LinuxErrno.EINTR, "request " + unique() + " interrupted");
        }
    }
}
