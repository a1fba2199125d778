package dev.weft.fuse.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests being handled, by {@code unique}, so that {@code FUSE_INTERRUPT} can find its target.
 *
 * <h2>The race with several reading threads</h2>
 * The kernel sends an INTERRUPT only for a request already read by the server, but with several threads the
 * INTERRUPT can be read and handled before the thread that read the target has registered it. So an INTERRUPT that
 * finds no target leaves its unique in {@code early}, and {@link #register} checks {@code early} after adding the
 * request: whichever of the two comes second sees the other (both are full fences in
 * {@link ConcurrentHashMap}). An early entry whose request had already been answered stays until {@code early}
 * outgrows {@link #EARLY_LIMIT} and is cleared: uniques are not reused soon, so a stale entry never hits.
 */
final class InFlightRequests {
    static final int EARLY_LIMIT = 4096;

    private final ConcurrentHashMap<Long, RequestContext> byUnique = new ConcurrentHashMap<>();
    private final Set<Long> early = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicReference<Runnable> onDrained =
            new java.util.concurrent.atomic.AtomicReference<>();

    void register(RequestContext ctx) {
        byUnique.put(ctx.unique(), ctx);
        if (!early.isEmpty() && early.remove(ctx.unique())) {
            ctx.interrupt();
        }
    }

    void unregister(RequestContext ctx) {
        byUnique.remove(ctx.unique(), ctx);
        if (onDrained.get() != null && byUnique.isEmpty()) {
            runDrained();
        }
    }

    /**
     * Runs {@code action} once no request is in flight: now, or on the thread that unregisters the last one. For
     * the server's close, once no new request can come.
     */
    void whenDrained(Runnable action) {
        onDrained.set(action);
        if (byUnique.isEmpty()) {
            runDrained();
        }
    }

    private void runDrained() {
        Runnable r = onDrained.getAndSet(null); // once, whoever of the closer and the last handler comes second
        if (r != null) {
            r.run();
        }
    }

    /** Handles {@code FUSE_INTERRUPT} for {@code unique}. */
    void interrupt(long unique) {
        RequestContext ctx = byUnique.get(unique);
        if (ctx != null) {
            ctx.interrupt();
            return;
        }
        if (early.size() >= EARLY_LIMIT) {
            early.clear();
        }
        early.add(unique);
        ctx = byUnique.get(unique);
        if (ctx != null && early.remove(unique)) {
            ctx.interrupt();
        }
    }

    /**
     * Interrupts every request in flight: for when the connection has ended (unmounted or aborted). The kernel has
     * already failed those requests for their callers, so a handler still at work works for nobody; one that checks
     * {@code isInterrupted()} (or blocks interruptibly, under threadlet dispatch) gives up, and its thread is freed.
     */
    void interruptAll() {
        byUnique.values().forEach(RequestContext::interrupt);
    }

    int size() {
        return byUnique.size();
    }
}
