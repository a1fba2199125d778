package dev.weft.fuse.server;

import dev.weft.fuse.FuseAttr;
import dev.weft.fuse.FuseContext;
import dev.weft.fuse.FuseDirFiller;
import dev.weft.fuse.FuseDirPlusFiller;
import dev.weft.fuse.FuseEntry;
import dev.weft.fuse.FuseException;
import dev.weft.fuse.FuseFilesystem;
import dev.weft.fuse.FuseName;
import dev.weft.fuse.FuseOpen;
import dev.weft.fuse.proto.LinuxErrno;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A flat in-memory file system for server tests: a root directory of regular files (create, write, read, unlink),
 * plus a file named {@code slow} whose READ blocks until {@link #releaseSlow} (or until the request is interrupted).
 */
class MemoryFilesystem implements FuseFilesystem {
    static final int S_IFDIR = 0040000, S_IFREG = 0100000;

    final Map<String, Long> names = new ConcurrentHashMap<>();
    final Map<Long, byte[]> data = new ConcurrentHashMap<>();
    private final AtomicInteger nextIno = new AtomicInteger(2);
    final CountDownLatch slowEntered = new CountDownLatch(1);
    final CountDownLatch slowRelease = new CountDownLatch(1);
    volatile boolean slowSawInterrupt;
    /** Makes the slow read wait for {@link #releaseSlow} alone, deaf to interrupts: a handler that hangs. */
    volatile boolean slowIgnoresInterrupts;
    volatile boolean destroyed;

    private void awaitReleaseUninterruptibly() {
        boolean released = false;
        while (!released) {
            try {
                slowRelease.await();
                released = true;
            } catch (InterruptedException again) {
                // deaf to it, as asked
            }
        }
    }

    MemoryFilesystem put(String name, String content) {
        long ino = nextIno.getAndIncrement();
        names.put(name, ino);
        data.put(ino, content.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    void releaseSlow() {
        slowRelease.countDown();
    }

    private void fillAttr(long ino, FuseAttr a) throws FuseException {
        if (ino == 1) {
            a.ino(1).mode(S_IFDIR | 0755).nlink(2);
            return;
        }
        byte[] d = data.get(ino);
        if (d == null) {
            throw new FuseException(LinuxErrno.ENOENT);
        }
        a.ino(ino).mode(S_IFREG | 0644).nlink(1).size(d.length).blksize(4096);
    }

    @Override
    public void lookup(FuseContext ctx, long parent, FuseName name, FuseEntry entry) throws FuseException {
        Long ino = parent == 1 ? names.get(name.toString()) : null;
        if (ino == null) {
            throw new FuseException(LinuxErrno.ENOENT);
        }
        entry.nodeid(ino);
        fillAttr(ino, entry.attr());
    }

    @Override
    public void getattr(FuseContext ctx, long nodeid, long fh, FuseAttr attr) throws FuseException {
        fillAttr(nodeid, attr);
    }

    @Override
    public void open(FuseContext ctx, long nodeid, int flags, FuseOpen open) {
        open.fh(nodeid).addFlags(FuseOpen.DIRECT_IO);
    }

    @Override
    public void opendir(FuseContext ctx, long nodeid, int flags, FuseOpen open) {
    }

    @Override
    public int read(FuseContext ctx, long nodeid, long fh, long offset, MemorySegment dst) throws FuseException {
        if (nodeid == names.getOrDefault("slow", -1L)) {
            slowEntered.countDown();
            try {
                while (!slowRelease.await(10, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    if (ctx.isInterrupted() && !slowIgnoresInterrupts) {
                        slowSawInterrupt = true;
                        throw new FuseException(LinuxErrno.EINTR);
                    }
                }
            } catch (InterruptedException e) {
                slowSawInterrupt = true;
                if (slowIgnoresInterrupts) {
                    awaitReleaseUninterruptibly();
                } else {
                    throw new FuseException(LinuxErrno.EINTR);
                }
            }
        }
        byte[] d = data.get(nodeid);
        if (d == null) {
            throw new FuseException(LinuxErrno.ENOENT);
        }
        int n = (int) Math.max(0, Math.min(dst.byteSize(), d.length - offset));
        MemorySegment.copy(d, (int) offset, dst, JAVA_BYTE, 0, n);
        return n;
    }

    @Override
    public int write(FuseContext ctx, long nodeid, long fh, long offset, MemorySegment src, int writeFlags)
            throws FuseException {
        synchronized (this) {
            byte[] d = data.get(nodeid);
            if (d == null) {
                throw new FuseException(LinuxErrno.ENOENT);
            }
            int end = (int) (offset + src.byteSize());
            if (end > d.length) {
                d = java.util.Arrays.copyOf(d, end);
            }
            MemorySegment.copy(src, JAVA_BYTE, 0, d, (int) offset, (int) src.byteSize());
            data.put(nodeid, d);
        }
        return (int) src.byteSize();
    }

    @Override
    public void create(FuseContext ctx, long parent, FuseName name, int mode, int umask, int flags, FuseEntry entry,
            FuseOpen open) throws FuseException {
        if (parent != 1) {
            throw new FuseException(LinuxErrno.ENOENT);
        }
        long ino = nextIno.getAndIncrement();
        data.put(ino, new byte[0]);
        names.put(name.toString(), ino);
        entry.nodeid(ino);
        fillAttr(ino, entry.attr());
        open.fh(ino).addFlags(FuseOpen.DIRECT_IO);
    }

    @Override
    public void setattr(FuseContext ctx, long nodeid, dev.weft.fuse.FuseSetAttr changes, FuseAttr attr)
            throws FuseException {
        if (changes.has(dev.weft.fuse.FuseSetAttr.SIZE)) {
            synchronized (this) {
                data.computeIfPresent(nodeid, (k, d) -> java.util.Arrays.copyOf(d, (int) changes.size()));
            }
        }
        fillAttr(nodeid, attr);
    }

    @Override
    public void unlink(FuseContext ctx, long parent, FuseName name) throws FuseException {
        if (names.remove(name.toString()) == null) {
            throw new FuseException(LinuxErrno.ENOENT);
        }
    }

    @Override
    public void readdir(FuseContext ctx, long nodeid, long fh, long offset, FuseDirFiller filler) {
        List<Map.Entry<String, Long>> all = new ArrayList<>(names.entrySet());
        all.sort(Map.Entry.comparingByKey());
        for (int i = (int) offset; i < all.size(); i++) {
            var e = all.get(i);
            if (!filler.add(MemorySegment.ofArray(e.getKey().getBytes(StandardCharsets.UTF_8)), e.getValue(), 8,
                    i + 1)) {
                return;
            }
        }
    }

    @Override
    public void readdirplus(FuseContext ctx, long nodeid, long fh, long offset, FuseDirPlusFiller filler)
            throws FuseException {
        List<Map.Entry<String, Long>> all = new ArrayList<>(names.entrySet());
        all.sort(Map.Entry.comparingByKey());
        for (int i = (int) offset; i < all.size(); i++) {
            var e = all.get(i);
            long ino = e.getValue();
            if (!filler.add(MemorySegment.ofArray(e.getKey().getBytes(StandardCharsets.UTF_8)), 8, i + 1,
                    entry -> {
                        entry.nodeid(ino);
                        fillAttr(ino, entry.attr());
                    })) {
                return;
            }
        }
    }

    @Override
    public void destroy() {
        destroyed = true;
    }
}
