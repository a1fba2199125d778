package dev.weft.fuse.passthrough;

import dev.weft.fuse.FuseAttr;
import dev.weft.fuse.FuseContext;
import dev.weft.fuse.FuseEntry;
import dev.weft.fuse.FuseOpen;
import dev.weft.fuse.FuseSetAttr;
import dev.weft.fuse.posix.Fcntl;
import dev.weft.fuse.posix.FileMode;
import dev.weft.fuse.proto.LinuxErrno;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/** CREATE, OPEN, READ, WRITE, SETATTR and the other open-file operations, checked against the source. */
class PassthroughFileTest extends PassthroughFixture {

    private MemorySegment bytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return arena.allocate(b.length).copyFrom(MemorySegment.ofArray(b));
    }

    private String read(long nodeid, long fh, long offset, int size) throws Exception {
        MemorySegment dst = arena.allocate(size);
        int n = fs.read(ROOT_CALLER, nodeid, fh, offset, dst);
        return new String(dst.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
    }

    @Test
    void createWriteReadRoundTrips() throws Exception {
        FuseOpen open = new FuseOpen();
        FuseEntry e = create(ROOT_CALLER, ROOT, "f", FileMode.S_IFREG | 0644, Fcntl.O_RDWR | Fcntl.O_CREAT, open);
        assertTrue(e.nodeid() > ROOT);
        assertEquals(FileMode.S_IFREG | 0644, e.attr().mode());
        assertTrue((open.openFlags() & FuseOpen.KEEP_CACHE) != 0, "page cache kept by default");
        long fh = open.fh();
        assertEquals(11, fs.write(ROOT_CALLER, e.nodeid(), fh, 0, bytes("hello world"), 0));
        assertEquals(5, fs.write(ROOT_CALLER, e.nodeid(), fh, 20, bytes("after"), 0));
        assertEquals("world", read(e.nodeid(), fh, 6, 5));
        assertEquals(25, read(e.nodeid(), fh, 0, 100).length(), "a short read only at end of file");
        fs.flush(ROOT_CALLER, e.nodeid(), fh, 0);
        fs.fsync(ROOT_CALLER, e.nodeid(), fh, false);
        fs.fsync(ROOT_CALLER, e.nodeid(), fh, true);
        fs.release(ROOT_CALLER, e.nodeid(), fh, 0);
        byte[] onDisk = Files.readAllBytes(source.resolve("f"));
        assertEquals("hello world", new String(onDisk, 0, 11, StandardCharsets.UTF_8));
        assertEquals(25, onDisk.length);
        assertEquals(e.nodeid(), lookup(ROOT, "f").nodeid());
    }

    @Test
    void closeClosesFilesTheKernelNeverReleasedAndALateReleaseClosesNothingElse() throws Exception {
        Files.writeString(source.resolve("kept"), "x");
        long nodeid = lookup(ROOT, "kept").nodeid();
        long fh = open(nodeid, Fcntl.O_RDONLY); // no RELEASE follows: an aborted connection
        Path procLink = Path.of("/proc/self/fd/" + fh);
        assertEquals(source.resolve("kept"), Files.readSymbolicLink(procLink));
        fs.close();
        assertFalse(Files.exists(procLink, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && source.resolve("kept").equals(Files.readSymbolicLink(procLink)), "close() closed it");
        try (var other = java.nio.channels.FileChannel.open(source.resolve("kept"))) {
            // the number may now be another file's: a RELEASE arriving late must not close it
            fs.release(ROOT_CALLER, nodeid, fh, 0);
            assertTrue(other.isOpen());
            assertEquals(1, other.size(), "still readable");
        }
    }

    @Test
    void heapPayloadsAreCopiedInAndOut() throws Exception {
        FuseOpen open = new FuseOpen();
        FuseEntry e = create(ROOT_CALLER, ROOT, "h", 0644, Fcntl.O_RDWR | Fcntl.O_CREAT, open);
        assertEquals(3, fs.write(ROOT_CALLER, e.nodeid(), open.fh(), 0, MemorySegment.ofArray(new byte[] {1, 2, 3}),
                0));
        byte[] dst = new byte[8];
        assertEquals(3, fs.read(ROOT_CALLER, e.nodeid(), open.fh(), 0, MemorySegment.ofArray(dst)));
        assertArrayEquals(new byte[] {1, 2, 3, 0, 0, 0, 0, 0}, dst);
        fs.release(ROOT_CALLER, e.nodeid(), open.fh(), 0);
    }

    @Test
    void createOfAnExistingFileOpensItUnlessExclusive() throws Exception {
        Files.writeString(source.resolve("f"), "old");
        FuseOpen open = new FuseOpen();
        create(ROOT_CALLER, ROOT, "f", 0600, Fcntl.O_RDWR | Fcntl.O_CREAT, open);
        assertEquals("old", Files.readString(source.resolve("f")));
        fs.release(ROOT_CALLER, 0, open.fh(), 0);
        assertErrno(LinuxErrno.EEXIST, () -> create(ROOT_CALLER, ROOT, "f", 0600,
                Fcntl.O_RDWR | Fcntl.O_CREAT | Fcntl.O_EXCL, new FuseOpen()));
        FuseOpen trunc = new FuseOpen();
        create(ROOT_CALLER, ROOT, "f", 0600, Fcntl.O_WRONLY | Fcntl.O_CREAT | Fcntl.O_TRUNC, trunc);
        assertEquals(0, Files.size(source.resolve("f")));
        fs.release(ROOT_CALLER, 0, trunc.fh(), 0);
    }

    @Test
    void openHonoursAppendAndTrunc() throws Exception {
        Files.writeString(source.resolve("f"), "0123456789");
        long f = lookup(ROOT, "f").nodeid();
        long fh = open(f, Fcntl.O_WRONLY | Fcntl.O_APPEND);
        fs.write(ROOT_CALLER, f, fh, 0, bytes("X"), 0);
        fs.release(ROOT_CALLER, f, fh, 0);
        assertEquals("0123456789X", Files.readString(source.resolve("f")));
        fh = open(f, Fcntl.O_WRONLY | Fcntl.O_TRUNC);
        fs.release(ROOT_CALLER, f, fh, 0);
        assertEquals(0, Files.size(source.resolve("f")));
        long ro = open(f, Fcntl.O_RDONLY);
        assertErrno(LinuxErrno.EBADF, () -> fs.write(ROOT_CALLER, f, ro, 0, bytes("no"), 0));
        fs.release(ROOT_CALLER, f, ro, 0);
    }

    @Test
    void newNodesBelongToTheCallerWithTheModeAskedFor() throws Exception {
        FuseContext user = new Caller(1234, 5678, 42, 7);
        FuseOpen open = new FuseOpen();
        FuseEntry f = newEntry();
        fs.create(user, ROOT, name("f"), FileMode.S_IFREG | 0666, 0, Fcntl.O_WRONLY | Fcntl.O_CREAT, f, open);
        fs.release(user, f.nodeid(), open.fh(), 0);
        FuseEntry d = newEntry();
        fs.mkdir(user, ROOT, name("d"), 0777, 0, d);
        FuseEntry l = newEntry();
        fs.symlink(user, ROOT, name("l"), name("f"), l);
        FuseEntry p = newEntry();
        fs.mknod(user, ROOT, name("p"), FileMode.S_IFIFO | 0662, 0, 0, p);
        for (FuseEntry e : new FuseEntry[] {f, d, l, p}) {
            assertEquals(1234, e.attr().uid());
            assertEquals(5678, e.attr().gid());
        }
        assertEquals(0666, f.attr().mode() & 07777, "the server's umask does not apply");
        assertEquals(0777, d.attr().mode() & 07777);
        assertEquals(0662, p.attr().mode() & 07777);
        assertEquals(FileMode.S_IFIFO, FileMode.type(p.attr().mode()));
        assertEquals(1234, Files.getAttribute(source.resolve("l"), "unix:uid",
                java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aSetgidParentKeepsItsGroup() throws Exception {
        Path shared = Files.createDirectory(source.resolve("shared"));
        Files.setAttribute(shared, "unix:gid", 4242);
        Files.setAttribute(shared, "unix:mode", 02775);
        long dir = lookup(ROOT, "shared").nodeid();
        FuseContext user = new Caller(1234, 5678, 42, 7);
        FuseEntry sub = newEntry();
        fs.mkdir(user, dir, name("sub"), 0770, 0, sub);
        assertEquals(1234, sub.attr().uid());
        assertEquals(4242, sub.attr().gid(), "inherited from the set-group-ID parent");
        assertEquals(02770, sub.attr().mode() & 07777, "a directory keeps the inherited set-group-ID bit");
    }

    @Test
    void theCallersUmaskIsAppliedWhenTheKernelLeavesItToUs() throws Exception {
        fs.init(new dev.weft.fuse.FuseConnectionInfo(7, 31, 31,
                dev.weft.fuse.proto.FuseKernelLayout.FUSE_DONT_MASK, 1 << 20, 1 << 20, null));
        FuseEntry d = newEntry();
        fs.mkdir(ROOT_CALLER, ROOT, name("d"), 0777, 027, d);
        assertEquals(0750, d.attr().mode() & 07777);
    }

    @Test
    void setattrChangesModeOwnerSizeAndTimes() throws Exception {
        Path p = source.resolve("f");
        Files.writeString(p, "0123456789");
        long f = lookup(ROOT, "f").nodeid();

        MemorySegment in = setattrIn(FuseSetAttr.MODE | FuseSetAttr.UID | FuseSetAttr.GID | FuseSetAttr.SIZE);
        set(in, "mode", FileMode.S_IFREG | 0600);
        set(in, "uid", 99);
        set(in, "gid", 98);
        set(in, "size", 4L);
        FuseAttr a = setattr(f, in);
        assertEquals(FileMode.S_IFREG | 0600, a.mode());
        assertEquals(99, a.uid());
        assertEquals(98, a.gid());
        assertEquals(4, a.size());
        assertEquals("0123", Files.readString(p));

        in = setattrIn(FuseSetAttr.ATIME | FuseSetAttr.MTIME);
        set(in, "atime", 1_000_000L);
        set(in, "mtime", 2_000_000L);
        set(in, "mtimensec", 123);
        a = setattr(f, in);
        assertEquals(2_000_000L, a.mtimeSeconds());
        assertEquals(2_000_000L, Files.getLastModifiedTime(p).toInstant().getEpochSecond());
        assertEquals(123, Files.getLastModifiedTime(p).toInstant().getNano());

        long before = System.currentTimeMillis() / 1000 - 5;
        in = setattrIn(FuseSetAttr.MTIME | FuseSetAttr.MTIME_NOW);
        a = setattr(f, in);
        assertTrue(a.mtimeSeconds() >= before, "MTIME_NOW");
        assertEquals(1_000_000L, ((java.nio.file.attribute.FileTime) Files.getAttribute(p, "lastAccessTime"))
                .toInstant().getEpochSecond(), "atime left alone (UTIME_OMIT)");
    }

    @Test
    void setattrThroughAnOpenFile() throws Exception {
        Files.writeString(source.resolve("f"), "0123456789");
        long f = lookup(ROOT, "f").nodeid();
        long fh = open(f, Fcntl.O_RDWR);
        MemorySegment in = setattrIn(FuseSetAttr.SIZE | FuseSetAttr.FH | FuseSetAttr.MODE);
        set(in, "fh", fh);
        set(in, "size", 2L);
        set(in, "mode", 0640);
        FuseAttr a = setattr(f, in);
        assertEquals(2, a.size());
        assertEquals(0640, a.mode() & 07777);
        fs.release(ROOT_CALLER, f, fh, 0);
    }

    @Test
    void fallocateLseekAndCopyFileRange() throws Exception {
        FuseOpen in = new FuseOpen();
        FuseEntry src = create(ROOT_CALLER, ROOT, "src", 0644, Fcntl.O_RDWR | Fcntl.O_CREAT, in);
        fs.fallocate(ROOT_CALLER, src.nodeid(), in.fh(), 0, 4096, 0);
        assertEquals(4096, Files.size(source.resolve("src")));
        MemorySegment block = arena.allocate(4096).fill((byte) 'd');
        fs.write(ROOT_CALLER, src.nodeid(), in.fh(), 1 << 20, block, 0);
        assertEquals(1 << 20, fs.lseek(ROOT_CALLER, src.nodeid(), in.fh(), 8192, Fcntl.SEEK_DATA));
        assertEquals(8192, fs.lseek(ROOT_CALLER, src.nodeid(), in.fh(), 8192, Fcntl.SEEK_HOLE));
        assertErrno(LinuxErrno.ENXIO, () -> fs.lseek(ROOT_CALLER, src.nodeid(), in.fh(), 2 << 20, Fcntl.SEEK_DATA));

        FuseOpen out = new FuseOpen();
        FuseEntry dst = create(ROOT_CALLER, ROOT, "dst", 0644, Fcntl.O_RDWR | Fcntl.O_CREAT, out);
        assertEquals(4096, fs.copyFileRange(ROOT_CALLER, src.nodeid(), in.fh(), 1 << 20, dst.nodeid(), out.fh(), 0,
                4096, 0));
        assertEquals("dddd", read(dst.nodeid(), out.fh(), 0, 4));
        fs.release(ROOT_CALLER, src.nodeid(), in.fh(), 0);
        fs.release(ROOT_CALLER, dst.nodeid(), out.fh(), 0);
    }

    @Test
    void mknodMakesRegularFilesAndFifos() throws Exception {
        FuseEntry r = newEntry();
        fs.mknod(ROOT_CALLER, ROOT, name("r"), FileMode.S_IFREG | 0600, 0, 0, r);
        assertTrue(Files.isRegularFile(source.resolve("r")));
        FuseEntry q = newEntry();
        fs.mknod(ROOT_CALLER, ROOT, name("q"), FileMode.S_IFIFO | 0600, 0, 0, q);
        assertEquals(FileMode.S_IFIFO, FileMode.type((Integer) Files.getAttribute(source.resolve("q"), "unix:mode")));
        assertErrno(LinuxErrno.EEXIST, () -> fs.mknod(ROOT_CALLER, ROOT, name("q"), FileMode.S_IFIFO | 0600, 0, 0,
                newEntry()));
    }

    @Test
    void accessAnswersForTheServer() throws Exception {
        Files.writeString(source.resolve("f"), "x");
        long f = lookup(ROOT, "f").nodeid();
        fs.access(ROOT_CALLER, f, Fcntl.R_OK | Fcntl.W_OK);
        fs.access(ROOT_CALLER, f, Fcntl.F_OK);
        assertErrno(LinuxErrno.EACCES, () -> fs.access(ROOT_CALLER, f, Fcntl.X_OK));
    }

    @Test
    void badFileHandlesAreEBADF() {
        assertErrno(LinuxErrno.EBADF, () -> fs.read(ROOT_CALLER, ROOT, -5, 0, arena.allocate(1)));
        assertErrno(LinuxErrno.EBADF, () -> fs.fsync(ROOT_CALLER, ROOT, 1L << 40, false));
    }
}
