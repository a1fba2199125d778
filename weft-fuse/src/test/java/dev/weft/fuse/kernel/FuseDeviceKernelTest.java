package dev.weft.fuse.kernel;

import dev.weft.fuse.proto.FuseKernelLayout;
import dev.weft.fuse.proto.FuseOpcode;
import dev.weft.fuse.proto.FuseProtocolException;
import dev.weft.fuse.proto.FuseReplyEncoder;
import dev.weft.fuse.proto.FuseRequest;
import dev.weft.fuse.proto.LinuxErrno;
import dev.weft.fuse.server.FuseUring;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_ATTR;
import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_ATTR_OUT;
import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_INIT_IN;
import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_INIT_OUT;
import static dev.weft.fuse.proto.FuseKernelLayout.offset;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Against the real kernel: mount a FUSE file system with {@code mount(2)}, answer INIT, GETATTR and LOOKUP with the
 * protocol layer, see the answers through {@code java.nio} on the mount, unmount and see the reads end with ENODEV.
 * Needs root and {@code /dev/fuse}; with {@code WEFT_REQUIRE_KERNEL=1} (CI) their absence fails instead of skipping.
 */
public class FuseDeviceKernelTest {

    public static void requireKernel() {
        String cause = null;
        if (!Files.exists(Path.of("/dev/fuse"))) {
            cause = "/dev/fuse is missing";
        } else if (!"root".equals(System.getProperty("user.name"))) {
            cause = "mount(2) needs root; running as " + System.getProperty("user.name");
        }
        if (cause != null) {
            if ("1".equals(System.getenv("WEFT_REQUIRE_KERNEL"))) {
                fail("WEFT_REQUIRE_KERNEL=1 but " + cause);
            }
            Assumptions.abort(cause);
        }
    }

    /**
     * Requires the program {@code name} (in /usr/bin, /bin or /usr/local/bin) from the Debian package {@code pkg}:
     * missing, it fails the test under {@code WEFT_REQUIRE_KERNEL=1} and skips it otherwise.
     */
    public static void requireProgram(String name, String pkg) {
        if (java.util.stream.Stream.of("/usr/bin/", "/bin/", "/usr/local/bin/")
                .noneMatch(d -> Files.isExecutable(Path.of(d + name)))) {
            if ("1".equals(System.getenv("WEFT_REQUIRE_KERNEL"))) {
                fail("WEFT_REQUIRE_KERNEL=1 but " + name + " is missing (apt-get install " + pkg + ")");
            }
            Assumptions.abort(name + " is missing (apt-get install " + pkg + ")");
        }
    }

    /**
     * After {@link #requireKernel}: switches FUSE over io_uring on ({@code enable_uring}, root) and returns what it
     * was, for the test to put back. A kernel without it fails the test under {@code WEFT_REQUIRE_KERNEL=1} and skips
     * it otherwise.
     */
    public static boolean enableFuseUring() throws java.io.IOException {
        requireKernel();
        if (!Files.exists(FuseUring.ENABLE_PARAMETER)) {
            String cause = FuseUring.ENABLE_PARAMETER + " is missing: the kernel has no FUSE over io_uring";
            if ("1".equals(System.getenv("WEFT_REQUIRE_KERNEL"))) {
                fail("WEFT_REQUIRE_KERNEL=1 but " + cause);
            }
            Assumptions.abort(cause);
        }
        return FuseUring.setEnabled(true);
    }

    /** The smallest server: a root directory with nothing in it. Records the opcodes it saw. */
    static void serve(FuseDevice dev, List<FuseOpcode> seen, AtomicReference<Throwable> failure) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = FuseDevice.newCallState(arena);
            MemorySegment in = arena.allocate(FuseKernelLayout.MIN_READ_BUFFER + 1024 * 1024, 8);
            MemorySegment out = arena.allocate(64 * 1024, 8);
            while (true) {
                long n = dev.read(state, in);
                if (n == -LinuxErrno.ENODEV) {
                    return; // unmounted
                }
                if (n == -LinuxErrno.ENOENT || n == -LinuxErrno.EINTR || n == -LinuxErrno.EAGAIN) {
                    continue;
                }
                if (n < 0) {
                    throw new IllegalStateException("read(/dev/fuse) failed: errno " + (-n));
                }
                FuseRequest r;
                try {
                    r = FuseRequest.decode(in, n);
                } catch (FuseProtocolException e) {
                    throw new AssertionError("the kernel sent a request the decoder refused", e);
                }
                FuseOpcode op = r.opcode();
                seen.add(op);
                long len;
                MemorySegment body = out.asSlice(FuseReplyEncoder.headerSize());
                if (op == FuseOpcode.INIT) {
                    MemorySegment init = r.body();
                    int major = init.get(JAVA_INT, offset(FUSE_INIT_IN, "major"));
                    assertEquals(7, major, "kernel protocol major");
                    body.asSlice(0, FUSE_INIT_OUT.byteSize()).fill((byte) 0);
                    body.set(JAVA_INT, offset(FUSE_INIT_OUT, "major"), 7);
                    body.set(JAVA_INT, offset(FUSE_INIT_OUT, "minor"),
                            FuseKernelLayout.KERNEL_MINOR_VERSION);
                    body.set(JAVA_INT, offset(FUSE_INIT_OUT, "max_write"),
                            128 * 1024);
                    body.set(JAVA_INT, offset(FUSE_INIT_OUT, "time_gran"), 1);
                    body.set(JAVA_SHORT,
                            offset(FUSE_INIT_OUT, "max_background"), (short) 16);
                    body.set(JAVA_SHORT,
                            offset(FUSE_INIT_OUT, "congestion_threshold"), (short) 12);
                    len = FuseReplyEncoder.replyOk(out, r.unique(), FUSE_INIT_OUT.byteSize());
                } else if (op == FuseOpcode.GETATTR && r.nodeid() == 1) {
                    body.asSlice(0, FUSE_ATTR_OUT.byteSize()).fill((byte) 0);
                    long attr = offset(FUSE_ATTR_OUT, "attr");
                    body.set(JAVA_LONG, attr + offset(FUSE_ATTR, "ino"), 1L);
                    body.set(JAVA_INT, attr + offset(FUSE_ATTR, "mode"), 040755);
                    body.set(JAVA_INT, attr + offset(FUSE_ATTR, "nlink"), 2);
                    body.set(JAVA_LONG, attr + offset(FUSE_ATTR, "mtime"), 1_000_000_000L);
                    body.set(JAVA_INT, attr + offset(FUSE_ATTR, "blksize"), 4096);
                    len = FuseReplyEncoder.replyOk(out, r.unique(), FUSE_ATTR_OUT.byteSize());
                } else if (op == FuseOpcode.LOOKUP) {
                    len = FuseReplyEncoder.replyError(out, r.unique(), LinuxErrno.ENOENT);
                } else if (op == FuseOpcode.FORGET || op == FuseOpcode.BATCH_FORGET) {
                    continue; // no reply
                } else {
                    len = FuseReplyEncoder.replyError(out, r.unique(), LinuxErrno.ENOSYS);
                }
                long w = dev.write(state, out, len);
                if (w < 0 && w != -LinuxErrno.ENOENT) {
                    throw new IllegalStateException("write(/dev/fuse) of a " + op + " reply failed: errno " + (-w));
                }
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    @Test
    void mountAnswerInitGetattrLookupAndUnmount(@TempDir Path dir) throws Exception {
        requireKernel();
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        List<FuseOpcode> seen = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        FuseDevice dev = FuseDevice.mount(mnt, FuseDevice.Options.defaults());
        Thread server = Thread.ofPlatform().name("fuse-test-server").start(() -> serve(dev, seen, failure));
        try {
            BasicFileAttributes a = Files.readAttributes(mnt, BasicFileAttributes.class);
            assertTrue(a.isDirectory());
            assertEquals(1_000_000_000L, a.lastModifiedTime().toMillis() / 1000);
            assertEquals("weft", Files.getFileStore(mnt).name());
            assertEquals("fuse.weft", Files.getFileStore(mnt).type());
            assertFalse(Files.exists(mnt.resolve("nothing-here")), "LOOKUP answered ENOENT");
        } finally {
            dev.unmount();
            server.join(10_000);
            dev.close();
        }
        assertFalse(server.isAlive(), "the server's read ended with ENODEV after the unmount");
        assertNull(failure.get(), () -> "server failed: " + failure.get());
        assertEquals(FuseOpcode.INIT, seen.get(0), "INIT comes first");
        assertTrue(seen.contains(FuseOpcode.GETATTR));
        assertTrue(seen.contains(FuseOpcode.LOOKUP));
    }

    @Test
    void aMountPointThatIsNotADirectoryIsRefusedWithItsName(@TempDir Path dir) throws Exception {
        Path file = Files.createFile(dir.resolve("file"));
        java.io.IOException e = assertThrows(java.io.IOException.class,
                () -> FuseDevice.mount(file, FuseDevice.Options.defaults()));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void badOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FuseDevice.Options("a,b", false, false, false));
        assertThrows(IllegalArgumentException.class, () -> new FuseDevice.Options("", false, false, false));
    }
}
