/**
 * The kernel-facing layer of weft-uring, thin and separate: the io_uring structs as FFM layouts, the constants, the
 * system calls, and one class per mapped region. No policy lives here; {@code dev.weft.uring} builds on it.
 *
 * <h2>Files</h2>
 * <ul>
 *   <li>{@link dev.weft.uring.kernel.IoUringLayout}: {@code io_uring_sqe}, {@code io_uring_cqe},
 *       {@code io_uring_params}, {@code io_sqring_offsets}, {@code io_cqring_offsets}, {@code io_uring_probe},
 *       {@code iovec}, each quoting {@code <linux/io_uring.h>}; {@link dev.weft.uring.kernel.StatxLayout}:
 *       {@code struct statx}. No other class types a byte offset.</li>
 *   <li>{@link dev.weft.uring.kernel.IoUringConstants}, {@link dev.weft.uring.kernel.IoUringOpcode},
 *       {@link dev.weft.uring.kernel.LinuxErrno}: the values, quoted from the headers.</li>
 *   <li>{@link dev.weft.uring.kernel.LinuxCalls}: {@code io_uring_setup}/{@code enter}/{@code register} through
 *       {@code syscall(2)}, and {@code mmap}, {@code munmap}, {@code close}, {@code eventfd}, {@code write}; each
 *       returns the result or {@code -errno}, captured with {@code Linker.Option.captureCallState("errno")}.</li>
 *   <li>{@link dev.weft.uring.kernel.RingMappings}: the SQ ring, CQ ring and SQE array mapped as liburing's
 *       {@code setup.c} maps them; {@link dev.weft.uring.kernel.SubmissionQueue} and
 *       {@link dev.weft.uring.kernel.CompletionQueue}: the head, tail and flags words and their ordering.</li>
 * </ul>
 *
 * <h2>Memory-access vocabulary</h2>
 * As in {@code dev.weft.ring} and JCTools: <em>plain</em> is an ordinary access; <em>acquire</em> and
 * <em>release</em> are the {@code VarHandle} modes of those names (an acquire load that reads the value of a release
 * store sees everything written before that store). Here the other side of each pairing is the kernel: its
 * {@code smp_store_release} and {@code smp_load_acquire} on the ring words are the C11 release and acquire that the
 * JMM's modes map to. Methods say their mode in their name ({@code tailAcquire}, {@code publishTailRelease},
 * {@code advanceHeadRelease}); the classes name the kernel function each access pairs with.
 *
 * <h2>Who may call what</h2>
 * {@code SubmissionQueue}, {@code CompletionQueue} and {@code RingMappings} belong to the ring's owner thread.
 * {@code LinuxCalls} is for any thread (the errno call state is per thread).
 */
package dev.weft.uring.kernel;
