package dev.weft.fuse;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A file name from a request: bytes, as Linux names are, never containing {@code '/'} checks aside (the kernel
 * sends single path components). A view of the request buffer, valid until the handler returns: copy with
 * {@link #bytes()} to keep it.
 *
 * <p>{@link #cString()} is the name with its terminating NUL, ready for a native call such as {@code openat}
 * without a copy.
 */
public final class FuseName {
    private final MemorySegment withNul;

    /**
     * @param withNul the name's bytes followed by one NUL byte
     */
    public FuseName(MemorySegment withNul) {
        long n = withNul.byteSize();
        if (n == 0 || withNul.get(JAVA_BYTE, n - 1) != 0) {
            throw new IllegalArgumentException("a FuseName segment must end with its NUL byte");
        }
        this.withNul = withNul;
    }

    /** A name built from a Java string (UTF-8), for tests and tools. */
    public static FuseName of(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return new FuseName(MemorySegment.ofArray(z));
    }

    /** The name's length in bytes, without the NUL. */
    public int length() {
        return (int) withNul.byteSize() - 1;
    }

    /** The name with its NUL, as a view: pass it to native calls. Heap-backed for names made with {@link #of}. */
    public MemorySegment cString() {
        return withNul;
    }

    /** The name's bytes without the NUL, copied. */
    public byte[] bytes() {
        return withNul.asSlice(0, length()).toArray(JAVA_BYTE);
    }

    /** Whether the name is {@code "."} or {@code ".."}. */
    public boolean isDotOrDotDot() {
        int n = length();
        return (n == 1 || n == 2) && withNul.get(JAVA_BYTE, 0) == '.' && (n == 1 || withNul.get(JAVA_BYTE, 1) == '.');
    }

    /** The name decoded as UTF-8 (bytes that are not UTF-8 become U+FFFD): for display. */
    @Override
    public String toString() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }
}
