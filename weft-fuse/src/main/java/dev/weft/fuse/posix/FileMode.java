package dev.weft.fuse.posix;

/**
 * The file type and permission bits of {@code st_mode} / {@code stx_mode}, from {@code /usr/include/linux/stat.h},
 * and the {@code d_type} of a directory entry, which is the type bits shifted down ({@code IFTODT} in
 * {@code /usr/include/dirent.h}: {@code ((mode) & 0170000) >> 12}).
 */
public final class FileMode {
    private FileMode() {}

    /** {@code #define S_IFMT 00170000}. */
    public static final int S_IFMT = 0170000;
    /** {@code #define S_IFSOCK 0140000}. */
    public static final int S_IFSOCK = 0140000;
    /** {@code #define S_IFLNK 0120000}. */
    public static final int S_IFLNK = 0120000;
    /** {@code #define S_IFREG 0100000}. */
    public static final int S_IFREG = 0100000;
    /** {@code #define S_IFBLK 0060000}. */
    public static final int S_IFBLK = 0060000;
    /** {@code #define S_IFDIR 0040000}. */
    public static final int S_IFDIR = 0040000;
    /** {@code #define S_IFCHR 0020000}. */
    public static final int S_IFCHR = 0020000;
    /** {@code #define S_IFIFO 0010000}. */
    public static final int S_IFIFO = 0010000;
    /** {@code #define S_ISUID 0004000}. */
    public static final int S_ISUID = 0004000;
    /** {@code #define S_ISGID 0002000}. */
    public static final int S_ISGID = 0002000;
    /** The permission bits a mode may carry besides its type: {@code 07777}. */
    public static final int PERMISSIONS = 07777;

    /** The type bits of {@code mode} ({@code mode & S_IFMT}). */
    public static int type(int mode) {
        return mode & S_IFMT;
    }

    public static boolean isDirectory(int mode) {
        return type(mode) == S_IFDIR;
    }

    public static boolean isSymlink(int mode) {
        return type(mode) == S_IFLNK;
    }

    public static boolean isRegular(int mode) {
        return type(mode) == S_IFREG;
    }

    /** {@code IFTODT(mode)}: the {@code DT_*} value of a mode's type. */
    public static int direntType(int mode) {
        return type(mode) >>> 12;
    }

    /** {@code DTTOIF(type)}: the mode type bits of a {@code DT_*} value. */
    public static int modeOfDirentType(int direntType) {
        return (direntType << 12) & S_IFMT;
    }
}
