/**
 * io_uring for weft: one ring per owner thread, driven with raw system calls through FFM.
 *
 * <ul>
 *   <li>{@link dev.weft.uring.IoUring}: a ring: setup with fallback, submission, completion, wake-up from any
 *       thread, registered files and buffers. The class comment explains ownership, memory ordering, CQ overflow and
 *       why the wake-up is an eventfd.</li>
 *   <li>{@link dev.weft.uring.Sqe}: the SQE preparers ({@code read}, {@code write}, {@code readv}, {@code writev},
 *       {@code fsync}, {@code fdatasync}, {@code openat}, {@code close}, {@code statx}, {@code fallocate},
 *       {@code nop}, the fixed-buffer and direct-descriptor forms) and the options {@code link()} and
 *       {@code fixedFile()}.</li>
 *   <li>{@link dev.weft.uring.CompletionConsumer}: receives {@code user_data}, {@code res} and {@code flags} of each
 *       CQE.</li>
 *   <li>{@link dev.weft.uring.IoUringAvailability}: whether io_uring can be used here, checked once, with the exact
 *       cause and fix when not; {@link dev.weft.uring.IoUringProbe}: the opcodes the kernel supports.</li>
 *   <li>{@link dev.weft.uring.IoUringException}: a ring system call failed (an operation's failure is its CQE's
 *       negative {@code res}, not an exception).</li>
 * </ul>
 *
 * <h2>Who may call what</h2>
 * Everything on a ring is for its owner thread, except {@link dev.weft.uring.IoUring#wakeup()}, which any thread may
 * call. The availability check and the probe it returns are for any thread.
 */
package dev.weft.uring;
