package dev.weft.fuse.server;

/** How requests travel between the kernel and the server threads. */
public enum Transport {
    /**
     * {@code read(2)} and {@code write(2)} on {@code /dev/fuse}: each server thread reads from its own cloned
     * descriptor, and the kernel wakes whichever thread waits ({@link IdleOrder}), on any CPU.
     */
    DEV_FUSE,
    /**
     * FUSE over io_uring (Linux 6.14+, {@code FUSE_OVER_IO_URING}, with the {@code fuse} module's
     * {@code enable_uring} parameter set): one queue per CPU, served by threads pinned to that CPU
     * ({@link FuseServer.Builder#ringThreads}), which get the requests of tasks running there and commit each reply
     * with the next fetch in one SQE. A reader on
     * {@code /dev/fuse} stays for what the kernel still sends there (FORGET, INTERRUPT, requests before the queues
     * are ready).
     */
    IO_URING
}
