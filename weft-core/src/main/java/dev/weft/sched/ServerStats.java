package dev.weft.sched;

/**
 * Counters of one server, read without stopping it (each counter is exact, the set is not a single instant).
 *
 * @param id        server index in its group (spares follow the regular servers)
 * @param spare     lent to the group while another server is blocked in {@code ConcurrencyGroup.blocking}
 * @param cpu       the CPU it is pinned to, or -1
 * @param runs      worker runs (one run lasts until the worker parks, yields or ends)
 * @param handoffs  runs taken from the next slot: the synchronous same-server hand-offs
 * @param steals    successful steal operations
 * @param stolen    workers taken by those steals
 * @param spins     idle periods that ended while spinning, before parking
 * @param parks     idle periods that parked the server's OS thread
 */
public record ServerStats(int id, boolean spare, int cpu, long runs, long handoffs, long steals, long stolen,
                          long spins, long parks) {
}
