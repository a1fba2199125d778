package dev.weft.fuse.passthrough;

import dev.weft.fuse.FuseAttr;
import dev.weft.fuse.FuseContext;
import dev.weft.fuse.FuseEntry;
import dev.weft.fuse.FuseException;
import dev.weft.fuse.FuseName;
import dev.weft.fuse.FuseOpen;
import dev.weft.fuse.FuseSetAttr;
import dev.weft.fuse.proto.FuseKernelLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_ATTR_OUT;
import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_ENTRY_OUT;
import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_SETATTR_IN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A {@link PassthroughFilesystem} over a fresh temporary source directory, called directly (no mount), with the
 * reply structs the server would hand it. The server runs as root on this project's machines.
 */
abstract class PassthroughFixture {
    static final long ROOT = 1;

    /** A request's caller. */
    record Caller(int uid, int gid, int pid, long unique) implements FuseContext {
        @Override
        public boolean isInterrupted() {
            return false;
        }
    }

    static final FuseContext ROOT_CALLER = new Caller(0, 0, 1, 1);

    @TempDir
    Path source;

    PassthroughFilesystem fs;
    final Arena arena = Arena.ofShared();

    @BeforeEach
    void openFilesystem() throws IOException {
        fs = new PassthroughFilesystem(source);
    }

    @AfterEach
    void closeFilesystem() {
        fs.close();
        arena.close();
    }

    FuseEntry newEntry() {
        return new FuseEntry(arena.allocate(FUSE_ENTRY_OUT));
    }

    FuseAttr newAttr() {
        return FuseAttr.ofAttrOut(arena.allocate(FUSE_ATTR_OUT));
    }

    /** A name in native memory, as the server passes them. */
    FuseName name(String s) {
        return new FuseName(arena.allocateFrom(s));
    }

    FuseEntry lookup(long parent, String name) throws FuseException {
        FuseEntry e = newEntry();
        fs.lookup(ROOT_CALLER, parent, name(name), e);
        return e;
    }

    FuseAttr getattr(long nodeid) throws FuseException {
        FuseAttr a = newAttr();
        fs.getattr(ROOT_CALLER, nodeid, FuseContext.NO_FH, a);
        return a;
    }

    long open(long nodeid, int flags) throws FuseException {
        FuseOpen o = new FuseOpen();
        fs.open(ROOT_CALLER, nodeid, flags, o);
        return o.fh();
    }

    /** CREATE as {@code caller}: returns the entry; the open file's fh goes into {@code open}. */
    FuseEntry create(FuseContext caller, long parent, String name, int mode, int flags, FuseOpen open)
            throws FuseException {
        FuseEntry e = newEntry();
        fs.create(caller, parent, name(name), mode, 022, flags, e, open);
        return e;
    }

    /** A {@code fuse_setattr_in} with {@code valid} bits; set fields on it with {@link #set}. */
    MemorySegment setattrIn(int valid) {
        MemorySegment in = arena.allocate(FUSE_SETATTR_IN);
        set(in, "valid", valid);
        return in;
    }

    static void set(MemorySegment setattrIn, String field, int value) {
        VarHandle h = FuseKernelLayout.handle(FUSE_SETATTR_IN, field);
        h.set(setattrIn, value);
    }

    static void set(MemorySegment setattrIn, String field, long value) {
        VarHandle h = FuseKernelLayout.handle(FUSE_SETATTR_IN, field);
        h.set(setattrIn, value);
    }

    FuseAttr setattr(long nodeid, MemorySegment setattrIn) throws FuseException {
        FuseAttr a = newAttr();
        fs.setattr(ROOT_CALLER, nodeid, new FuseSetAttr(setattrIn), a);
        return a;
    }

    /** Asserts that {@code call} fails with {@code errno}. */
    static void assertErrno(int errno, Executable call) {
        FuseException e = assertThrows(FuseException.class, call);
        assertEquals(errno, e.errno(), () -> "expected errno " + errno + ", got " + e.errno() + ": " + e.getMessage());
    }
}
