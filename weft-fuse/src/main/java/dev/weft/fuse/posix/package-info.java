/**
 * Thin FFM wrappers of the Linux system calls a file system server makes on the host (no JNI). Internal to weft-fuse.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>Every wrapper returns the call's result (≥ 0) or the <em>negative</em> {@code errno} captured right after
 *       the call ({@code -LinuxErrno.ENOENT}, the values of {@code dev.weft.fuse.proto.LinuxErrno}), never -1: the
 *       JVM may run code that changes {@code errno} between two Java statements, so it is read through
 *       {@code Linker.Option.captureCallState("errno")}.</li>
 *   <li>Paths and names are {@code MemorySegment}s holding a NUL-terminated C string, and like every other pointer
 *       argument they must be <em>native</em> segments (the linker refuses heap segments for a call that may
 *       block). {@code FuseName.cString()} of a request is one; copy a heap name into an arena first.</li>
 *   <li>Buffers (read and write data, {@code struct statx}, {@code getdents64} records) are the caller's: the
 *       wrappers allocate nothing on these paths. The {@code errno} call state, {@code struct open_how} and
 *       {@code copy_file_range}'s offsets live in one small per-thread native block (see {@code NativeCall}).</li>
 *   <li>Struct layouts come from one {@code *Layout} class per struct, each quoting the C declaration and the
 *       header it was read from; no other class types a byte offset.</li>
 * </ul>
 *
 * <h2>Files</h2>
 * <ul>
 *   <li>{@link dev.weft.fuse.posix.AtCalls}: calls that resolve a name relative to a directory fd
 *       ({@code openat2}, {@code statx}, {@code mkdirat}, {@code renameat2}, ...).</li>
 *   <li>{@link dev.weft.fuse.posix.FdCalls}: calls on an open file descriptor ({@code pread}, {@code fsync},
 *       {@code getdents64}, ...).</li>
 *   <li>{@link dev.weft.fuse.posix.XattrCalls}: extended attributes.</li>
 *   <li>{@link dev.weft.fuse.posix.ProcessCalls}: the process's credentials and umask.</li>
 *   <li>{@link dev.weft.fuse.posix.Fcntl}, {@link dev.weft.fuse.posix.FileMode}: the constants, from the headers
 *       they are quoted from; {@link dev.weft.fuse.posix.Errno}: {@code strerror}.</li>
 *   <li>{@link dev.weft.fuse.posix.ProcFdPath}: {@code "/proc/self/fd/N"}, to reach the inode of an {@code O_PATH}
 *       descriptor with calls that take a path.</li>
 *   <li>{@link dev.weft.fuse.posix.DirentParser}: walks the records of a {@code getdents64} buffer.</li>
 * </ul>
 */
package dev.weft.fuse.posix;

