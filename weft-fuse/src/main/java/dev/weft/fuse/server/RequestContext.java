package dev.weft.fuse.server;

import dev.weft.fuse.FuseContext;

/**
 * The state of one request between read and reply: who sent it ({@link FuseContext}), and whether the kernel
 * interrupted it.
 *
 * <h2>Threads</h2>
 * Made and read by the thread handling the request. {@link #interrupt()} comes from the thread that read the
 * kernel's {@code FUSE_INTERRUPT}: {@code interrupted} is volatile, and {@code handler} (the virtual thread running
 * the handler under threadlet dispatch, else null) is volatile so that the interrupting thread sees it set.
 */
final class RequestContext implements FuseContext {
    private final long unique;
    private final int uid;
    private final int gid;
    private final int pid;
    private volatile boolean interrupted;
    private volatile Thread handler;

    RequestContext(long unique, int uid, int gid, int pid) {
        this.unique = unique;
        this.uid = uid;
        this.gid = gid;
        this.pid = pid;
    }

    @Override public int uid() { return uid; }
    @Override public int gid() { return gid; }
    @Override public int pid() { return pid; }
    @Override public long unique() { return unique; }
    @Override public boolean isInterrupted() { return interrupted; }

    /** Marks the request interrupted and interrupts its handler if that is a virtual thread (a threadlet). */
    void interrupt() {
        interrupted = true;
        Thread t = handler;
        if (t != null) {
            t.interrupt();
        }
    }

    /**
     * Records the virtual thread running the handler (or clears it with null). Platform server threads are never
     * interrupted: their interrupt status would leak into the next request.
     */
    void handlerThread(Thread t) {
        handler = t;
        if (t != null && interrupted) {
            t.interrupt();
        }
    }
}
