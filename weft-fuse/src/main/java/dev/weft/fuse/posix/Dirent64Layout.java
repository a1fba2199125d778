package dev.weft.fuse.posix;

import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One {@code getdents64(2)} record, from the kernel's {@code include/linux/dirent.h} (not exported to
 * {@code /usr/include}; glibc's {@code struct dirent64} in {@code bits/dirent.h} has the same head):
 * <pre>{@code
 * struct linux_dirent64 {
 *     u64            d_ino;
 *     s64            d_off;     // the offset of the next record: lseek(fd, d_off, SEEK_SET) resumes after this one
 *     unsigned short d_reclen;  // the whole record, padded to 8 bytes (fs/readdir.c: ALIGN(.., sizeof(u64)))
 *     unsigned char  d_type;
 *     char           d_name[];  // NUL-terminated, then padding
 * };
 * }</pre>
 */
public final class Dirent64Layout {
    private Dirent64Layout() {}

    public static final StructLayout LINUX_DIRENT64 = structLayout(
            JAVA_LONG.withName("d_ino"), JAVA_LONG.withName("d_off"), JAVA_SHORT.withName("d_reclen"),
            JAVA_BYTE.withName("d_type"), sequenceLayout(0, JAVA_BYTE).withName("d_name"))
            .withName("linux_dirent64");

    /** {@code offsetof(struct linux_dirent64, d_name)}: 19. */
    public static final long NAME_OFFSET = LINUX_DIRENT64.byteOffset(groupElement("d_name"));
    /** Records start at multiples of this. */
    public static final long RECORD_ALIGNMENT = JAVA_LONG.byteSize();

    static final VarHandle D_INO = handle("d_ino");
    static final VarHandle D_OFF = handle("d_off");
    static final VarHandle D_RECLEN = handle("d_reclen");
    static final VarHandle D_TYPE = handle("d_type");

    /** A handle taking the buffer and the record's byte offset in it. */
    private static VarHandle handle(String field) {
        return LINUX_DIRENT64.varHandle(groupElement(field));
    }
}
