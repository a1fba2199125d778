package dev.weft.bench.fuse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The mounts of this process's mount namespace, from {@code /proc/self/mountinfo} (proc(5)):
 *
 * <pre>
 * 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 * (1)(2) (3)   (4)   (5)      (6)      (7)   (8) (9)    (10)         (11)
 * </pre>
 *
 * Field 5 is the mount point and field 9, after the {@code -} that ends the optional fields (7), the file system
 * type ({@code fuse.SUBTYPE} for a FUSE mount with a subtype). Paths escape space, tab, newline and backslash as
 * octal {@code \040}, {@code \011}, {@code \012}, {@code \134}.
 */
public final class MountTable {

    static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    /** One mount: where, of which file system type, from which source. */
    public record Mount(String mountPoint, String fsType, String source) {
    }

    private MountTable() {
    }

    /** The mounts in {@code mountinfo} text, in its order (later entries are mounted over earlier ones). */
    static List<Mount> parse(String mountinfo) {
        List<Mount> mounts = new ArrayList<>();
        for (String line : mountinfo.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(" ");
            int dash = -1;
            for (int k = 6; k < f.length; k++) {
                if (f[k].equals("-")) {
                    dash = k;
                    break;
                }
            }
            if (f.length < 7 || dash < 0 || dash + 2 >= f.length) {
                throw new IllegalArgumentException("not a mountinfo line (proc(5)): '" + line + "'");
            }
            mounts.add(new Mount(unescape(f[4]), f[dash + 1], unescape(f[dash + 2])));
        }
        return mounts;
    }

    /** The topmost mount on {@code mountPoint} (an absolute, normalized path) in {@code mountinfo} text. */
    static Optional<Mount> find(String mountinfo, Path mountPoint) {
        String target = mountPoint.toString();
        Mount found = null;
        for (Mount m : parse(mountinfo)) {
            if (m.mountPoint.equals(target)) {
                found = m;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The topmost mount on {@code mountPoint} now. */
    public static Optional<Mount> find(Path mountPoint) {
        try {
            return find(Files.readString(MOUNTINFO), mountPoint.toAbsolutePath().normalize());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + MOUNTINFO, e);
        }
    }

    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                sb.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int k = from; k < from + 3; k++) {
            if (s.charAt(k) < '0' || s.charAt(k) > '7') {
                return false;
            }
        }
        return true;
    }
}
