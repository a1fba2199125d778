package dev.weft.uring.kernel;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The layouts match the kernel ABI: sizes and the offsets the header's comments and liburing rely on. */
class IoUringLayoutTest {

    private static long offset(StructLayout l, String... path) {
        MemoryLayout.PathElement[] p = new MemoryLayout.PathElement[path.length];
        for (int i = 0; i < path.length; i++) {
            p[i] = groupElement(path[i]);
        }
        return l.byteOffset(p);
    }

    @Test
    void sqeIs64BytesWithTheKernelsOffsets() {
        var sqe = IoUringLayout.IO_URING_SQE;
        assertEquals(64, sqe.byteSize());
        assertEquals(0, offset(sqe, "opcode"));
        assertEquals(1, offset(sqe, "flags"));
        assertEquals(4, offset(sqe, "fd"));
        assertEquals(8, offset(sqe, "off"));
        assertEquals(16, offset(sqe, "addr"));
        assertEquals(24, offset(sqe, "len"));
        assertEquals(28, offset(sqe, "rw_flags"));
        assertEquals(32, offset(sqe, "user_data"));
        assertEquals(40, offset(sqe, "buf_index"));
        assertEquals(42, offset(sqe, "personality"));
        assertEquals(44, offset(sqe, "file_index"));
        assertEquals(48, offset(sqe, "addr3"));
    }

    @Test
    void cqeIs16Bytes() {
        assertEquals(16, IoUringLayout.IO_URING_CQE.byteSize());
        assertEquals(8, offset(IoUringLayout.IO_URING_CQE, "res"));
        assertEquals(12, offset(IoUringLayout.IO_URING_CQE, "flags"));
    }

    @Test
    void paramsAndRingOffsetsHaveTheKernelsSizes() {
        assertEquals(40, IoUringLayout.IO_SQRING_OFFSETS.byteSize());
        assertEquals(40, IoUringLayout.IO_CQRING_OFFSETS.byteSize());
        assertEquals(120, IoUringLayout.IO_URING_PARAMS.byteSize());
        assertEquals(20, offset(IoUringLayout.IO_URING_PARAMS, "features"));
        assertEquals(40, offset(IoUringLayout.IO_URING_PARAMS, "sq_off"));
        assertEquals(80, offset(IoUringLayout.IO_URING_PARAMS, "cq_off"));
        assertEquals(24, offset(IoUringLayout.IO_SQRING_OFFSETS, "array"));
        assertEquals(20, offset(IoUringLayout.IO_CQRING_OFFSETS, "cqes"));
    }

    @Test
    void probeIovecAndStatxHaveTheKernelsSizes() {
        assertEquals(16, IoUringLayout.IO_URING_PROBE.byteSize());
        assertEquals(8, IoUringLayout.IO_URING_PROBE_OP.byteSize());
        assertEquals(16 + 256 * 8, IoUringLayout.ioUringProbe(256).byteSize());
        assertEquals(16, IoUringLayout.IOVEC.byteSize());
        assertEquals(256, StatxLayout.STATX.byteSize());
        assertEquals(0x28, offset(StatxLayout.STATX, "stx_size"));
    }

    @Test
    void statxMatchesLinuxStatH() {
        assertEquals(0x100, StatxLayout.STATX.byteSize());
        assertEquals(16, StatxLayout.STATX_TIMESTAMP.byteSize());
        assertEquals(0x10, offset(StatxLayout.STATX, "stx_nlink"));
        assertEquals(0x1c, offset(StatxLayout.STATX, "stx_mode"));
        assertEquals(0x20, offset(StatxLayout.STATX, "stx_ino"));
        assertEquals(0x40, offset(StatxLayout.STATX, "stx_atime"));
        assertEquals(0x70, offset(StatxLayout.STATX, "stx_mtime"));
        assertEquals(0x80, offset(StatxLayout.STATX, "stx_rdev_major"));
        assertEquals(0x88, offset(StatxLayout.STATX, "stx_dev_major"));
        assertEquals(0x98, offset(StatxLayout.STATX, "stx_dio_mem_align"));
        assertEquals(0xa0, offset(StatxLayout.STATX, "__spare3"));
    }

    @Test
    void opcodeNamesFollowTheEnum() {
        assertEquals("READ", IoUringOpcode.name(IoUringOpcode.IORING_OP_READ));
        assertEquals("WRITE", IoUringOpcode.name(IoUringOpcode.IORING_OP_WRITE));
        assertEquals("MSG_RING", IoUringOpcode.name(IoUringOpcode.IORING_OP_MSG_RING));
        assertEquals(IoUringOpcode.IORING_OP_STATX, IoUringOpcode.byName("IORING_OP_STATX"));
        assertEquals("OP_200", IoUringOpcode.name(200));
    }
}
