package dev.weft.fuse.proto;

import static dev.weft.fuse.proto.FuseKernelLayout.*;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Struct sizes and offsets against the header, and the header's constants.
 *
 * <h2>Where the expected values come from</h2>
 * {@link #GCC_LAYOUTS} is the output of a C program, generated from this class's layouts, that prints
 * {@code sizeof} of every struct and {@code offsetof} / {@code sizeof} of every field, compiled with gcc on x86-64
 * against {@code /usr/include/linux/fuse.h} (protocol 7.38, from the distribution's kernel headers) with the
 * 7.39..7.45 changes of the quoted header (see {@link FuseKernelLayout}) applied: {@code fuse_init_out}'s
 * {@code max_stack_depth}, {@code request_timeout} and {@code uint16_t unused[11]}, {@code fuse_open_out}'s
 * {@code backing_id}, and the structs added after 7.38 ({@code fuse_sx_time}, {@code fuse_statx},
 * {@code fuse_statx_in}, {@code fuse_statx_out}, {@code fuse_notify_prune_out}, {@code fuse_backing_map},
 * {@code fuse_copy_file_range_out}, {@code fuse_supp_groups}, the three io_uring structs). A field name that the C
 * header lacks fails that compilation, so the names are checked too. Each line: struct name, {@code sizeof}, then
 * {@code field=offsetof:sizeof} in declaration order; indented lines continue the struct above.
 */
class FuseKernelLayoutTest {

    static final String GCC_LAYOUTS = """
            fuse_in_header 40 len=0:4 opcode=4:4 unique=8:8 nodeid=16:8 uid=24:4 gid=28:4 pid=32:4
                total_extlen=36:2 padding=38:2
            fuse_out_header 16 len=0:4 error=4:4 unique=8:8
            fuse_init_in 64 major=0:4 minor=4:4 max_readahead=8:4 flags=12:4 flags2=16:4 unused=20:44
            fuse_init_out 64 major=0:4 minor=4:4 max_readahead=8:4 flags=12:4 max_background=16:2
                congestion_threshold=18:2 max_write=20:4 time_gran=24:4 max_pages=28:2 map_alignment=30:2
                flags2=32:4 max_stack_depth=36:4 request_timeout=40:2 unused=42:22
            fuse_attr 88 ino=0:8 size=8:8 blocks=16:8 atime=24:8 mtime=32:8 ctime=40:8 atimensec=48:4
                mtimensec=52:4 ctimensec=56:4 mode=60:4 nlink=64:4 uid=68:4 gid=72:4 rdev=76:4 blksize=80:4
                flags=84:4
            fuse_sx_time 16 tv_sec=0:8 tv_nsec=8:4 __reserved=12:4
            fuse_statx 256 mask=0:4 blksize=4:4 attributes=8:8 nlink=16:4 uid=20:4 gid=24:4 mode=28:2
                __spare0=30:2 ino=32:8 size=40:8 blocks=48:8 attributes_mask=56:8 atime=64:16 btime=80:16
                ctime=96:16 mtime=112:16 rdev_major=128:4 rdev_minor=132:4 dev_major=136:4 dev_minor=140:4
                __spare2=144:112
            fuse_kstatfs 80 blocks=0:8 bfree=8:8 bavail=16:8 files=24:8 ffree=32:8 bsize=40:4 namelen=44:4
                frsize=48:4 padding=52:4 spare=56:24
            fuse_file_lock 24 start=0:8 end=8:8 type=16:4 pid=20:4
            fuse_entry_out 128 nodeid=0:8 generation=8:8 entry_valid=16:8 attr_valid=24:8 entry_valid_nsec=32:4
                attr_valid_nsec=36:4 attr=40:88
            fuse_forget_in 8 nlookup=0:8
            fuse_forget_one 16 nodeid=0:8 nlookup=8:8
            fuse_batch_forget_in 8 count=0:4 dummy=4:4
            fuse_getattr_in 16 getattr_flags=0:4 dummy=4:4 fh=8:8
            fuse_attr_out 104 attr_valid=0:8 attr_valid_nsec=8:4 dummy=12:4 attr=16:88
            fuse_statx_in 24 getattr_flags=0:4 reserved=4:4 fh=8:8 sx_flags=16:4 sx_mask=20:4
            fuse_statx_out 288 attr_valid=0:8 attr_valid_nsec=8:4 flags=12:4 spare=16:16 stat=32:256
            fuse_mknod_in 16 mode=0:4 rdev=4:4 umask=8:4 padding=12:4
            fuse_mkdir_in 8 mode=0:4 umask=4:4
            fuse_rename_in 8 newdir=0:8
            fuse_rename2_in 16 newdir=0:8 flags=8:4 padding=12:4
            fuse_link_in 8 oldnodeid=0:8
            fuse_setattr_in 88 valid=0:4 padding=4:4 fh=8:8 size=16:8 lock_owner=24:8 atime=32:8 mtime=40:8
                ctime=48:8 atimensec=56:4 mtimensec=60:4 ctimensec=64:4 mode=68:4 unused4=72:4 uid=76:4 gid=80:4
                unused5=84:4
            fuse_open_in 8 flags=0:4 open_flags=4:4
            fuse_create_in 16 flags=0:4 mode=4:4 umask=8:4 open_flags=12:4
            fuse_open_out 16 fh=0:8 open_flags=8:4 backing_id=12:4
            fuse_release_in 24 fh=0:8 flags=8:4 release_flags=12:4 lock_owner=16:8
            fuse_flush_in 24 fh=0:8 unused=8:4 padding=12:4 lock_owner=16:8
            fuse_read_in 40 fh=0:8 offset=8:8 size=16:4 read_flags=20:4 lock_owner=24:8 flags=32:4 padding=36:4
            fuse_write_in 40 fh=0:8 offset=8:8 size=16:4 write_flags=20:4 lock_owner=24:8 flags=32:4
                padding=36:4
            fuse_write_out 8 size=0:4 padding=4:4
            fuse_statfs_out 80 st=0:80
            fuse_fsync_in 16 fh=0:8 fsync_flags=8:4 padding=12:4
            fuse_setxattr_in 16 size=0:4 flags=4:4 setxattr_flags=8:4 padding=12:4
            fuse_getxattr_in 8 size=0:4 padding=4:4
            fuse_getxattr_out 8 size=0:4 padding=4:4
            fuse_lk_in 48 fh=0:8 owner=8:8 lk=16:24 lk_flags=40:4 padding=44:4
            fuse_lk_out 24 lk=0:24
            fuse_access_in 8 mask=0:4 padding=4:4
            fuse_interrupt_in 8 unique=0:8
            fuse_dirent 24 ino=0:8 off=8:8 namelen=16:4 type=20:4
            fuse_direntplus 152 entry_out=0:128 dirent=128:24
            fuse_fallocate_in 32 fh=0:8 offset=8:8 length=16:8 mode=24:4 padding=28:4
            fuse_lseek_in 24 fh=0:8 offset=8:8 whence=16:4 padding=20:4
            fuse_lseek_out 8 offset=0:8
            fuse_copy_file_range_in 56 fh_in=0:8 off_in=8:8 nodeid_out=16:8 fh_out=24:8 off_out=32:8 len=40:8
                flags=48:8
            fuse_copy_file_range_out 8 bytes_copied=0:8
            fuse_syncfs_in 8 padding=0:8
            fuse_ext_header 8 size=0:4 type=4:4
            fuse_secctx_header 8 size=0:4 nr_secctx=4:4
            fuse_secctx 8 size=0:4 padding=4:4
            fuse_supp_groups 4 nr_groups=0:4
            fuse_notify_poll_wakeup_out 8 kh=0:8
            fuse_notify_inval_inode_out 24 ino=0:8 off=8:8 len=16:8
            fuse_notify_inval_entry_out 16 parent=0:8 namelen=8:4 flags=12:4
            fuse_notify_delete_out 24 parent=0:8 child=8:8 namelen=16:4 padding=20:4
            fuse_notify_store_out 24 nodeid=0:8 offset=8:8 size=16:4 padding=20:4
            fuse_notify_retrieve_out 32 notify_unique=0:8 nodeid=8:8 offset=16:8 size=24:4 padding=28:4
            fuse_notify_retrieve_in 40 dummy1=0:8 offset=8:8 size=16:4 dummy2=20:4 dummy3=24:8 dummy4=32:8
            fuse_notify_prune_out 16 count=0:4 padding=4:4 spare=8:8
            fuse_backing_map 16 fd=0:4 flags=4:4 padding=8:8
            fuse_uring_ent_in_out 32 flags=0:8 commit_id=8:8 payload_sz=16:4 padding=20:4 reserved=24:8
            fuse_uring_req_header 288 in_out=0:128 op_in=128:128 ring_ent_in_out=256:32
            fuse_uring_cmd_req 24 flags=0:8 commit_id=8:8 qid=16:2 padding=18:6
            """;

    /** {@link #GCC_LAYOUTS} parsed: struct name to "size" and "field=offset:size" in order. */
    private static Map<String, String> gccLayouts() {
        Map<String, String> byName = new LinkedHashMap<>();
        String current = null;
        for (String line : GCC_LAYOUTS.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith(" ")) {
                byName.merge(current, " " + line.strip(), String::concat);
            } else {
                int space = line.indexOf(' ');
                current = line.substring(0, space);
                byName.put(current, line.substring(space + 1).strip());
            }
        }
        return byName;
    }

    /** The same description of a Java layout: "size field=offset:size ...". */
    private static String describe(StructLayout s) {
        StringBuilder b = new StringBuilder().append(s.byteSize());
        for (MemoryLayout m : s.memberLayouts()) {
            String name = m.name().orElseThrow();
            b.append(' ').append(name).append('=').append(s.byteOffset(groupElement(name))).append(':')
                    .append(m.byteSize());
        }
        return b.toString();
    }

    private static Map<String, StructLayout> javaLayouts() throws IllegalAccessException {
        Map<String, StructLayout> byName = new LinkedHashMap<>();
        for (Field f : FuseKernelLayout.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == StructLayout.class) {
                StructLayout s = (StructLayout) f.get(null);
                assertEquals(f.getName().toLowerCase(), s.name().orElseThrow(), "constant named after its C struct");
                byName.put(s.name().orElseThrow(), s);
            }
        }
        return byName;
    }

    @Test
    void everyStructMatchesGccOnTheHeader() throws IllegalAccessException {
        Map<String, String> gcc = gccLayouts();
        Map<String, StructLayout> java = javaLayouts();
        assertEquals(new TreeSet<>(gcc.keySet()), new TreeSet<>(java.keySet()),
                "every struct laid out here has its gcc line, and no other");
        for (Map.Entry<String, StructLayout> e : java.entrySet()) {
            assertEquals(gcc.get(e.getKey()), describe(e.getValue()), "struct " + e.getKey());
        }
    }

    @Test
    void structSizesMatchTheHeader() {
        // the structs every server exchanges, spelled out
        assertEquals(40, FUSE_IN_HEADER.byteSize());
        assertEquals(16, FUSE_OUT_HEADER.byteSize());
        assertEquals(64, FUSE_INIT_IN.byteSize());
        assertEquals(64, FUSE_INIT_OUT.byteSize());
        assertEquals(88, FUSE_ATTR.byteSize());
        assertEquals(128, FUSE_ENTRY_OUT.byteSize());
        assertEquals(104, FUSE_ATTR_OUT.byteSize());
        assertEquals(16, FUSE_OPEN_OUT.byteSize());
        assertEquals(40, FUSE_WRITE_IN.byteSize());
        assertEquals(16, FUSE_SETXATTR_IN.byteSize());
        assertEquals(256, FUSE_STATX.byteSize());
        assertEquals(288, FUSE_STATX_OUT.byteSize());
        assertEquals(8, FUSE_COPY_FILE_RANGE_OUT.byteSize());
        assertEquals(288, FUSE_URING_REQ_HEADER.byteSize());
        assertEquals(24, FUSE_URING_CMD_REQ.byteSize());
    }

    @Test
    void inHeaderCarriesTotalExtlenSinceSevenThirtyEight() {
        assertEquals(36, offset(FUSE_IN_HEADER, "total_extlen"));
        assertEquals(2, FUSE_IN_HEADER.select(groupElement("total_extlen")).byteSize());
        assertEquals(8, EXTLEN_UNIT);
    }

    @Test
    void compatSizesAreTheOffsetsOfTheFieldsAddedLater() {
        assertEquals(COMPAT_INIT_OUT_SIZE, offset(FUSE_INIT_OUT, "max_readahead"));
        assertEquals(COMPAT_22_INIT_OUT_SIZE, offset(FUSE_INIT_OUT, "time_gran"));
        assertEquals(COMPAT_WRITE_IN_SIZE, offset(FUSE_WRITE_IN, "lock_owner"));
        assertEquals(COMPAT_MKNOD_IN_SIZE, offset(FUSE_MKNOD_IN, "umask"));
        assertEquals(COMPAT_STATFS_SIZE, offset(FUSE_KSTATFS, "frsize"));
        assertEquals(COMPAT_SETXATTR_IN_SIZE, offset(FUSE_SETXATTR_IN, "setxattr_flags"));
        assertEquals(8, COMPAT_SETXATTR_IN_SIZE);
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
        for (long x = 0; x < 40; x++) {
            assertEquals(recAlign(x), direntAlign(x), "FUSE_DIRENT_ALIGN is FUSE_REC_ALIGN");
        }
    }

    @Test
    void everyStructIsPaddedToEightBytes() throws IllegalAccessException {
        int seen = 0;
        for (StructLayout s : javaLayouts().values()) {
            if (s == FUSE_SUPP_GROUPS) {
                // stops before its flexible array groups[]; C's sizeof is 4 too (see GCC_LAYOUTS)
                assertEquals(4, s.byteSize());
                continue;
            }
            assertEquals(0, s.byteSize() % 8, s.name().orElseThrow() + " is not 64-bit padded");
            seen++;
        }
        assertTrue(seen >= 60, "expected every struct to be checked, saw " + seen);
    }

    @Test
    void versionIsSevenFortyFive() {
        assertEquals(7, KERNEL_VERSION);
        assertEquals(45, KERNEL_MINOR_VERSION);
        assertEquals(31, MIN_SUPPORTED_MINOR_VERSION);
    }

    @Test
    void initFlagsFillBitsZeroToFortyTwoInHeaderOrder() {
        long[] inHeaderOrder = {
            FUSE_ASYNC_READ, FUSE_POSIX_LOCKS, FUSE_FILE_OPS, FUSE_ATOMIC_O_TRUNC, FUSE_EXPORT_SUPPORT,
            FUSE_BIG_WRITES, FUSE_DONT_MASK, FUSE_SPLICE_WRITE, FUSE_SPLICE_MOVE, FUSE_SPLICE_READ,
            FUSE_FLOCK_LOCKS, FUSE_HAS_IOCTL_DIR, FUSE_AUTO_INVAL_DATA, FUSE_DO_READDIRPLUS, FUSE_READDIRPLUS_AUTO,
            FUSE_ASYNC_DIO, FUSE_WRITEBACK_CACHE, FUSE_NO_OPEN_SUPPORT, FUSE_PARALLEL_DIROPS, FUSE_HANDLE_KILLPRIV,
            FUSE_POSIX_ACL, FUSE_ABORT_ERROR, FUSE_MAX_PAGES, FUSE_CACHE_SYMLINKS, FUSE_NO_OPENDIR_SUPPORT,
            FUSE_EXPLICIT_INVAL_DATA, FUSE_MAP_ALIGNMENT, FUSE_SUBMOUNTS, FUSE_HANDLE_KILLPRIV_V2, FUSE_SETXATTR_EXT,
            FUSE_INIT_EXT, FUSE_INIT_RESERVED, FUSE_SECURITY_CTX, FUSE_HAS_INODE_DAX, FUSE_CREATE_SUPP_GROUP,
            FUSE_HAS_EXPIRE_ONLY, FUSE_DIRECT_IO_ALLOW_MMAP, FUSE_PASSTHROUGH, FUSE_NO_EXPORT_SUPPORT,
            FUSE_HAS_RESEND, FUSE_ALLOW_IDMAP, FUSE_OVER_IO_URING, FUSE_REQUEST_TIMEOUT,
        };
        assertEquals(43, inHeaderOrder.length);
        for (int bit = 0; bit < inHeaderOrder.length; bit++) {
            assertEquals(1L << bit, inHeaderOrder[bit], "flag number " + bit);
        }
    }

    @Test
    void initFlagsJoinFlags2AboveBit31() {
        long joined = initFlags((int) (FUSE_INIT_EXT | FUSE_MAX_PAGES), (int) (FUSE_SECURITY_CTX >>> 32));
        assertEquals(FUSE_INIT_EXT | FUSE_MAX_PAGES | FUSE_SECURITY_CTX, joined);
        assertEquals(1L << 31, initFlags((int) FUSE_INIT_RESERVED, 0), "flags is unsigned, not sign-extended");
        assertEquals(FUSE_REQUEST_TIMEOUT | FUSE_OVER_IO_URING, initFlags(0, (1 << 10) | (1 << 9)));
    }

    @Test
    void requestAndReplyFlagsMatchTheHeader() {
        assertEquals(1 << 7, FOPEN_PASSTHROUGH);
        assertEquals(1 << 6, FOPEN_PARALLEL_DIRECT_WRITES);
        assertEquals(1 << 11, FATTR_KILL_SUIDGID);
        assertEquals(FUSE_WRITE_KILL_SUIDGID, FUSE_WRITE_KILL_PRIV, "the obsolete alias");
        assertEquals(1 << 2, FUSE_WRITE_KILL_SUIDGID);
        assertEquals(1 << 1, FUSE_ATTR_DAX);
        assertEquals(1, FUSE_OPEN_KILL_SUIDGID);
        assertEquals(1, FUSE_SETXATTR_ACL_KILL_SGID);
        assertEquals(Long.MIN_VALUE, FUSE_UNIQUE_RESEND, "bit 63");
        assertEquals(0xFFFF_FFFFL, Integer.toUnsignedLong(FUSE_INVALID_UIDGID));
        assertEquals(31, FUSE_MAX_NR_SECCTX);
        assertEquals(32, FUSE_EXT_GROUPS);
    }

    @Test
    void notifyCodesAreOneToNine() {
        int[] inHeaderOrder = {
            FUSE_NOTIFY_POLL, FUSE_NOTIFY_INVAL_INODE, FUSE_NOTIFY_INVAL_ENTRY, FUSE_NOTIFY_STORE,
            FUSE_NOTIFY_RETRIEVE, FUSE_NOTIFY_DELETE, FUSE_NOTIFY_RESEND, FUSE_NOTIFY_INC_EPOCH, FUSE_NOTIFY_PRUNE,
        };
        for (int i = 0; i < inHeaderOrder.length; i++) {
            assertEquals(i + 1, inHeaderOrder[i]);
        }
    }

    @Test
    void deviceIoctlsMatchGcc() {
        // printed by the same C program: FUSE_DEV_IOC_CLONE is also in the 7.38 header
        assertEquals(0x8004E500L, FUSE_DEV_IOC_CLONE);
        assertEquals(0x4010E501L, FUSE_DEV_IOC_BACKING_OPEN);
        assertEquals(0x4004E502L, FUSE_DEV_IOC_BACKING_CLOSE);
        assertEquals(0xE503L, FUSE_DEV_IOC_SYNC_INIT);
    }

    @Test
    void ioUringConstantsMatchTheHeader() {
        assertEquals(128, FUSE_URING_IN_OUT_HEADER_SZ);
        assertEquals(128, FUSE_URING_OP_IN_OUT_SZ);
        assertEquals(FUSE_URING_IN_OUT_HEADER_SZ, offset(FUSE_URING_REQ_HEADER, "op_in"));
        assertTrue(FUSE_IN_HEADER.byteSize() <= FUSE_URING_IN_OUT_HEADER_SZ);
        assertEquals(1, FUSE_IO_URING_CMD_REGISTER);
        assertEquals(2, FUSE_IO_URING_CMD_COMMIT_AND_FETCH);
    }

    @Test
    void opcodesRoundTripAndUnknownCodesAreNull() {
        for (FuseOpcode op : FuseOpcode.values()) {
            assertSame(op, FuseOpcode.fromCode(op.code()));
        }
        assertEquals(1, FuseOpcode.LOOKUP.code());
        assertEquals(26, FuseOpcode.INIT.code());
        assertEquals(47, FuseOpcode.COPY_FILE_RANGE.code());
        assertEquals(50, FuseOpcode.SYNCFS.code());
        assertEquals(51, FuseOpcode.TMPFILE.code());
        assertEquals(52, FuseOpcode.STATX.code());
        assertEquals(53, FuseOpcode.COPY_FILE_RANGE_64.code());
        assertEquals(4096, FuseOpcode.CUSE_INIT.code());
        assertNull(FuseOpcode.fromCode(0));
        assertNull(FuseOpcode.fromCode(7));
        assertNull(FuseOpcode.fromCode(19));
        assertNull(FuseOpcode.fromCode(48), "SETUPMAPPING: virtio-fs only");
        assertNull(FuseOpcode.fromCode(49), "REMOVEMAPPING: virtio-fs only");
        assertNull(FuseOpcode.fromCode(54));
        assertNull(FuseOpcode.fromCode(4095));
        assertNull(FuseOpcode.fromCode(-1));
        assertNull(FuseOpcode.fromCode(Integer.MAX_VALUE));
        assertNull(FuseOpcode.fromCode(436207616), "FUSE_INIT_BSWAP_RESERVED");
    }

    @Test
    void newOpcodesHaveTheirBodyShapes() {
        assertSame(FUSE_STATX_IN, FuseOpcode.STATX.bodyLayout());
        assertSame(FUSE_CREATE_IN, FuseOpcode.TMPFILE.bodyLayout());
        assertEquals(1, FuseOpcode.TMPFILE.nameCount());
        assertSame(FUSE_COPY_FILE_RANGE_IN, FuseOpcode.COPY_FILE_RANGE_64.bodyLayout());
        assertSame(FUSE_SYNCFS_IN, FuseOpcode.SYNCFS.bodyLayout());
        assertFalse(FuseOpcode.STATX.isNoReply());
    }

    @Test
    void setxattrFixedSizeDependsOnTheNegotiatedFlags() {
        assertEquals(COMPAT_SETXATTR_IN_SIZE, FuseOpcode.SETXATTR.minFixedBodySize());
        assertEquals(COMPAT_SETXATTR_IN_SIZE, FuseOpcode.SETXATTR.fixedBodySize(0));
        assertEquals(COMPAT_SETXATTR_IN_SIZE, FuseOpcode.SETXATTR.fixedBodySize(~FUSE_SETXATTR_EXT));
        assertEquals(FUSE_SETXATTR_IN.byteSize(), FuseOpcode.SETXATTR.fixedBodySize(FUSE_SETXATTR_EXT));
        assertEquals(INIT_IN_COMPAT_SIZE, FuseOpcode.INIT.minFixedBodySize());
        assertEquals(FUSE_INIT_IN.byteSize(), FuseOpcode.INIT.fixedBodySize(0));
        assertEquals(FUSE_WRITE_IN.byteSize(), FuseOpcode.WRITE.fixedBodySize(FUSE_SETXATTR_EXT));
        assertEquals(0, FuseOpcode.LOOKUP.fixedBodySize(0));
    }
}
