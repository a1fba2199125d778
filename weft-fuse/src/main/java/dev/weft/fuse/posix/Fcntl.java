package dev.weft.fuse.posix;

/**
 * Flag values of the calls in this package, each quoted from the header that defines it (x86-64 and arm64 agree on
 * all of them).
 */
public final class Fcntl {
    private Fcntl() {}

    // ---- open(2) flags: /usr/include/asm-generic/fcntl.h ----

    /** {@code #define O_ACCMODE 00000003}. */
    public static final int O_ACCMODE = 0x3;
    /** {@code #define O_RDONLY 00000000}. */
    public static final int O_RDONLY = 0x0;
    /** {@code #define O_WRONLY 00000001}. */
    public static final int O_WRONLY = 0x1;
    /** {@code #define O_RDWR 00000002}. */
    public static final int O_RDWR = 0x2;
    /** {@code #define O_CREAT 00000100}. */
    public static final int O_CREAT = 0100;
    /** {@code #define O_EXCL 00000200}. */
    public static final int O_EXCL = 0200;
    /** {@code #define O_NOCTTY 00000400}. */
    public static final int O_NOCTTY = 0400;
    /** {@code #define O_TRUNC 00001000}. */
    public static final int O_TRUNC = 01000;
    /** {@code #define O_APPEND 00002000}. */
    public static final int O_APPEND = 02000;
    /** {@code #define O_DIRECT 00040000}. */
    public static final int O_DIRECT = 040000;
    /** {@code #define O_DIRECTORY 00200000}. */
    public static final int O_DIRECTORY = 0200000;
    /** {@code #define O_NOFOLLOW 00400000}. */
    public static final int O_NOFOLLOW = 0400000;
    /** {@code #define O_CLOEXEC 02000000}. */
    public static final int O_CLOEXEC = 02000000;
    /** {@code #define O_PATH 010000000}. */
    public static final int O_PATH = 010000000;

    /**
     * {@code VALID_OPEN_FLAGS} of the kernel's {@code include/linux/fcntl.h}: every {@code O_*} bit
     * {@code openat2} accepts ({@code O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK |
     * O_DSYNC | FASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | __O_SYNC |
     * O_PATH | __O_TMPFILE}, values from {@code asm-generic/fcntl.h}).
     */
    public static final int VALID_OPEN_FLAGS = O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND
            | 04000 | 010000 | 020000 | O_DIRECT | 0100000 | O_DIRECTORY | O_NOFOLLOW | 01000000 | O_CLOEXEC
            | 04000000 | O_PATH | 020000000;

    // ---- *at(2) flags: /usr/include/linux/fcntl.h ----

    /** {@code #define AT_FDCWD -100}. */
    public static final int AT_FDCWD = -100;
    /** {@code #define AT_SYMLINK_NOFOLLOW 0x100}. */
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /** {@code #define AT_EACCESS 0x200}: {@code faccessat} checks the effective ids. */
    public static final int AT_EACCESS = 0x200;
    /** {@code #define AT_REMOVEDIR 0x200}: {@code unlinkat} removes a directory. */
    public static final int AT_REMOVEDIR = 0x200;
    /** {@code #define AT_SYMLINK_FOLLOW 0x400}. */
    public static final int AT_SYMLINK_FOLLOW = 0x400;
    /** {@code #define AT_EMPTY_PATH 0x1000}: an empty path names {@code dirfd} itself. */
    public static final int AT_EMPTY_PATH = 0x1000;
    /** {@code #define AT_NO_AUTOMOUNT 0x800}: do not trigger an automount at the last component. */
    public static final int AT_NO_AUTOMOUNT = 0x800;

    // ---- openat2(2) resolve flags: /usr/include/linux/openat2.h ----

    /** {@code #define RESOLVE_NO_MAGICLINKS 0x02}: no {@code /proc/self/fd}-style jumps. */
    public static final long RESOLVE_NO_MAGICLINKS = 0x02;
    /**
     * {@code #define RESOLVE_NO_SYMLINKS 0x04}: no symlink is followed (implies {@code RESOLVE_NO_MAGICLINKS}); with
     * {@code O_PATH | O_NOFOLLOW} a trailing symlink is opened as itself.
     */
    public static final long RESOLVE_NO_SYMLINKS = 0x04;
    /** {@code #define RESOLVE_BENEATH 0x08}: fail with {@code EXDEV} on any escape ({@code ..}, {@code /}). */
    public static final long RESOLVE_BENEATH = 0x08;

    // ---- renameat2(2): /usr/include/linux/fs.h ----

    /** {@code #define RENAME_NOREPLACE (1 << 0)}. */
    public static final int RENAME_NOREPLACE = 1;
    /** {@code #define RENAME_EXCHANGE (1 << 1)}. */
    public static final int RENAME_EXCHANGE = 2;
    /** {@code #define RENAME_WHITEOUT (1 << 2)}. */
    public static final int RENAME_WHITEOUT = 4;

    // ---- utimensat(2): /usr/include/x86_64-linux-gnu/bits/stat.h ----

    /** {@code #define UTIME_NOW ((1l << 30) - 1l)}: a {@code tv_nsec} meaning "now". */
    public static final long UTIME_NOW = (1L << 30) - 1;
    /** {@code #define UTIME_OMIT ((1l << 30) - 2l)}: a {@code tv_nsec} meaning "leave unchanged". */
    public static final long UTIME_OMIT = (1L << 30) - 2;

    // ---- lseek(2): /usr/include/linux/fs.h ----

    /** {@code #define SEEK_SET 0}. */
    public static final int SEEK_SET = 0;
    /** {@code #define SEEK_DATA 3}. */
    public static final int SEEK_DATA = 3;
    /** {@code #define SEEK_HOLE 4}. */
    public static final int SEEK_HOLE = 4;

    // ---- setxattr(2): /usr/include/linux/xattr.h ----

    /** {@code #define XATTR_CREATE 0x1}. */
    public static final int XATTR_CREATE = 0x1;
    /** {@code #define XATTR_REPLACE 0x2}. */
    public static final int XATTR_REPLACE = 0x2;

    // ---- access(2): /usr/include/unistd.h ----

    /** {@code #define F_OK 0}. */
    public static final int F_OK = 0;
    /** {@code #define X_OK 1}. */
    public static final int X_OK = 1;
    /** {@code #define W_OK 2}. */
    public static final int W_OK = 2;
    /** {@code #define R_OK 4}. */
    public static final int R_OK = 4;
}
