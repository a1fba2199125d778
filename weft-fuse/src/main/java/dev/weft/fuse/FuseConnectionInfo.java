package dev.weft.fuse;

/**
 * What INIT settled with the kernel, passed to {@link FuseFilesystem#init}.
 *
 * @param major            the protocol's major version (7)
 * @param minor            the negotiated minor version: the smaller of the kernel's and weft's
 * @param kernelMinor      the minor version the kernel speaks
 * @param flags            the {@code FUSE_*} capability bits in force (what the kernel offered and weft asked for),
 *                         {@code flags2} in the upper 32 bits
 * @param maxWrite         the largest WRITE payload the kernel will send
 * @param maxReadahead     the kernel's read-ahead limit
 * @param backingFiles     where to register backing files for passthrough I/O when {@code FUSE_PASSTHROUGH} is in
 *                         force (the server asked for it), else null
 * @param notifier         sends the kernel notifications on this connection (null where there is no connection,
 *                         as in tests that call a file system directly)
 */
public record FuseConnectionInfo(int major, int minor, int kernelMinor, long flags, int maxWrite, int maxReadahead,
                                 FuseBackingFiles backingFiles, FuseNotifier notifier) {

    /** Without a {@link #notifier} (the form before it was added). */
    public FuseConnectionInfo(int major, int minor, int kernelMinor, long flags, int maxWrite, int maxReadahead,
                              FuseBackingFiles backingFiles) {
        this(major, minor, kernelMinor, flags, maxWrite, maxReadahead, backingFiles, null);
    }

    /** This connection with {@code backing} as its {@link #backingFiles}. */
    public FuseConnectionInfo withBackingFiles(FuseBackingFiles backing) {
        return new FuseConnectionInfo(major, minor, kernelMinor, flags, maxWrite, maxReadahead, backing, notifier);
    }

    /** This connection with {@code n} as its {@link #notifier}. */
    public FuseConnectionInfo withNotifier(FuseNotifier n) {
        return new FuseConnectionInfo(major, minor, kernelMinor, flags, maxWrite, maxReadahead, backingFiles, n);
    }

    /** Whether every bit of {@code flag} (a {@code FuseKernelLayout.FUSE_*} capability) is in force. */
    public boolean has(long flag) {
        return (flags & flag) == flag;
    }
}
