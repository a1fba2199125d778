package dev.weft.uring.kernel;

import java.util.Map;

/**
 * The {@code errno} values weft-uring meets, from {@code /usr/include/asm-generic/errno-base.h} and
 * {@code errno.h} (linux-libc-dev 6.1.187; the same numbers on x86-64 and arm64). A CQE's {@code res} and every
 * {@link LinuxCalls} method report failure as the negative of one of these.
 */
public final class LinuxErrno {
    private LinuxErrno() {}

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int ENXIO = 6;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOSYS = 38;
    public static final int EBADR = 53;
    public static final int EOPNOTSUPP = 95;
    public static final int ECANCELED = 125;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(EINTR, "EINTR"), Map.entry(ENXIO, "ENXIO"),
            Map.entry(EBADF, "EBADF"), Map.entry(EAGAIN, "EAGAIN"), Map.entry(ENOMEM, "ENOMEM"),
            Map.entry(EFAULT, "EFAULT"), Map.entry(EBUSY, "EBUSY"), Map.entry(EEXIST, "EEXIST"),
            Map.entry(EINVAL, "EINVAL"), Map.entry(ENFILE, "ENFILE"), Map.entry(EMFILE, "EMFILE"),
            Map.entry(ENOSYS, "ENOSYS"), Map.entry(EBADR, "EBADR"), Map.entry(EOPNOTSUPP, "EOPNOTSUPP"),
            Map.entry(ECANCELED, "ECANCELED"));

    /** {@code "EINVAL"} for 22 or -22; {@code "errno 99"} for a value without a name here. */
    public static String name(int errno) {
        int e = Math.abs(errno);
        return NAMES.getOrDefault(e, "errno " + e);
    }
}
