package dev.weft.fuse.server;

/**
 * One server thread's counters.
 *
 * @param thread          the thread's index: {@code weft-fuse-N} for readers, then the io_uring queues in order
 * @param requests        requests read
 * @param replies         replies written (FORGETs and INTERRUPTs get none); for an io_uring thread, replies committed
 * @param errors          replies the kernel refused
 * @param interrupts      FUSE_INTERRUPTs read
 * @param blockedHandlers handlers that blocked under threadlet dispatch and finished on the group
 * @param handoffs        times this thread was handed the read by another (LIFO)
 * @param handoffsSpun    of those, hand-offs found while spinning, without a park
 * @param parks           parks while waiting for a hand-off (LIFO)
 * @param spunReads       requests found by reading again while spinning (read spin on)
 * @param polls           sleeps in {@code poll} waiting for a request (read spin on)
 * @param ringQueue       for a thread serving an io_uring queue ({@link Transport#IO_URING}), the queue (its CPU);
 *                        -1 for a {@code /dev/fuse} reader
 */
public record FuseServerStats(int thread, long requests, long replies, long errors, long interrupts,
                              long blockedHandlers, long handoffs, long handoffsSpun, long parks, long spunReads,
                              long polls, int ringQueue) {
}
