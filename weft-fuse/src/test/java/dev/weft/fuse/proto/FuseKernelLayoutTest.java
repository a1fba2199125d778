package dev.weft.fuse.proto;

import static dev.weft.fuse.proto.FuseKernelLayout.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.StructLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

/** Struct sizes and offsets against the values the header states or implies. */
class FuseKernelLayoutTest {

    @Test
    void structSizesMatchTheHeader() {
        assertEquals(40, FUSE_IN_HEADER.byteSize());
        assertEquals(16, FUSE_OUT_HEADER.byteSize());
        assertEquals(64, FUSE_INIT_IN.byteSize());
        assertEquals(64, FUSE_INIT_OUT.byteSize());
        assertEquals(88, FUSE_ATTR.byteSize());
        assertEquals(128, FUSE_ENTRY_OUT.byteSize());
        assertEquals(104, FUSE_ATTR_OUT.byteSize());
        assertEquals(16, FUSE_GETATTR_IN.byteSize());
        assertEquals(88, FUSE_SETATTR_IN.byteSize());
        assertEquals(8, FUSE_OPEN_IN.byteSize());
        assertEquals(16, FUSE_OPEN_OUT.byteSize());
        assertEquals(16, FUSE_CREATE_IN.byteSize());
        assertEquals(40, FUSE_READ_IN.byteSize());
        assertEquals(40, FUSE_WRITE_IN.byteSize());
        assertEquals(8, FUSE_WRITE_OUT.byteSize());
        assertEquals(24, FUSE_RELEASE_IN.byteSize());
        assertEquals(24, FUSE_FLUSH_IN.byteSize());
        assertEquals(16, FUSE_FSYNC_IN.byteSize());
        assertEquals(8, FUSE_FORGET_IN.byteSize());
        assertEquals(16, FUSE_FORGET_ONE.byteSize());
        assertEquals(8, FUSE_BATCH_FORGET_IN.byteSize());
        assertEquals(16, FUSE_MKNOD_IN.byteSize());
        assertEquals(8, FUSE_MKDIR_IN.byteSize());
        assertEquals(8, FUSE_RENAME_IN.byteSize());
        assertEquals(16, FUSE_RENAME2_IN.byteSize());
        assertEquals(8, FUSE_LINK_IN.byteSize());
        assertEquals(8, FUSE_ACCESS_IN.byteSize());
        assertEquals(8, FUSE_GETXATTR_IN.byteSize());
        assertEquals(8, FUSE_GETXATTR_OUT.byteSize());
        assertEquals(8, FUSE_SETXATTR_IN.byteSize());
        assertEquals(8, FUSE_INTERRUPT_IN.byteSize());
        assertEquals(24, FUSE_FILE_LOCK.byteSize());
        assertEquals(48, FUSE_LK_IN.byteSize());
        assertEquals(80, FUSE_KSTATFS.byteSize());
        assertEquals(80, FUSE_STATFS_OUT.byteSize());
        assertEquals(24, FUSE_DIRENT.byteSize());
        assertEquals(152, FUSE_DIRENTPLUS.byteSize());
        assertEquals(32, FUSE_FALLOCATE_IN.byteSize());
        assertEquals(24, FUSE_LSEEK_IN.byteSize());
        assertEquals(8, FUSE_LSEEK_OUT.byteSize());
        assertEquals(56, FUSE_COPY_FILE_RANGE_IN.byteSize());
    }

    @Test
    void compatSizesAreTheOffsetsOfTheFieldsAddedLater() {
        assertEquals(COMPAT_INIT_OUT_SIZE, offset(FUSE_INIT_OUT, "max_readahead"));
        assertEquals(COMPAT_22_INIT_OUT_SIZE, offset(FUSE_INIT_OUT, "time_gran"));
        assertEquals(COMPAT_WRITE_IN_SIZE, offset(FUSE_WRITE_IN, "lock_owner"));
        assertEquals(COMPAT_MKNOD_IN_SIZE, offset(FUSE_MKNOD_IN, "umask"));
        assertEquals(COMPAT_STATFS_SIZE, offset(FUSE_KSTATFS, "frsize"));
        assertEquals(COMPAT_ATTR_OUT_SIZE, FUSE_ATTR_OUT.byteSize() - 8);
        assertEquals(COMPAT_ENTRY_OUT_SIZE, FUSE_ENTRY_OUT.byteSize() - 8);
        assertEquals(16, INIT_IN_COMPAT_SIZE);
    }

    @Test
    void direntOffsetsMatchTheMacros() {
        assertEquals(24, DIRENT_NAME_OFFSET);
        assertEquals(128, DIRENTPLUS_DIRENT_OFFSET);
        assertEquals(152, DIRENTPLUS_NAME_OFFSET);
        assertEquals(0, direntAlign(0));
        assertEquals(8, direntAlign(1));
        assertEquals(32, direntAlign(25));
        assertEquals(32, direntAlign(32));
    }

    @Test
    void everyStructIsPaddedToEightBytes() throws IllegalAccessException {
        int seen = 0;
        for (Field f : FuseKernelLayout.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == StructLayout.class) {
                StructLayout s = (StructLayout) f.get(null);
                assertEquals(0, s.byteSize() % 8, s.name().orElse(f.getName()) + " is not 64-bit padded");
                seen++;
            }
        }
        assertTrue(seen >= 40, "expected every struct to be checked, saw " + seen);
    }

    @Test
    void initFlagsJoinFlags2AboveBit31() {
        long joined = initFlags((int) (FUSE_INIT_EXT | FUSE_MAX_PAGES), (int) (FUSE_SECURITY_CTX >>> 32));
        assertEquals(FUSE_INIT_EXT | FUSE_MAX_PAGES | FUSE_SECURITY_CTX, joined);
        assertEquals(1L << 31, initFlags((int) FUSE_INIT_RESERVED, 0), "flags is unsigned, not sign-extended");
    }

    @Test
    void opcodesRoundTripAndUnknownCodesAreNull() {
        for (FuseOpcode op : FuseOpcode.values()) {
            assertSame(op, FuseOpcode.fromCode(op.code()));
        }
        assertEquals(1, FuseOpcode.LOOKUP.code());
        assertEquals(26, FuseOpcode.INIT.code());
        assertEquals(47, FuseOpcode.COPY_FILE_RANGE.code());
        assertEquals(4096, FuseOpcode.CUSE_INIT.code());
        assertNull(FuseOpcode.fromCode(0));
        assertNull(FuseOpcode.fromCode(7));
        assertNull(FuseOpcode.fromCode(19));
        assertNull(FuseOpcode.fromCode(48));
        assertNull(FuseOpcode.fromCode(-1));
        assertNull(FuseOpcode.fromCode(Integer.MAX_VALUE));
    }
}
