package dev.weft.bench.fuse;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading /proc/self/mountinfo lines: optional fields, escapes, stacked mounts. */
class MountTableTest {

    static final String MOUNTINFO = """
            22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
            27 22 0:25 / /tmp rw,nosuid,nodev shared:5 master:2 - tmpfs tmpfs rw,size=12m
            42 22 0:39 / /var/tmp/weft-bench/mnt rw,nosuid,nodev,relatime - fuse.bindfs /var/tmp/weft-bench/source rw,user_id=0,group_id=0,default_permissions,allow_other
            43 42 0:40 / /var/tmp/weft-bench/mnt rw,nosuid,nodev,relatime shared:9 - fuse.weft weft rw,user_id=0,group_id=0
            44 22 0:41 / /var/tmp/a\\040b\\134c rw - fuse.jfuse /src\\040dir rw
            """;

    @Test
    void mountPointTypeAndSourceWithOrWithoutOptionalFields() {
        List<MountTable.Mount> all = MountTable.parse(MOUNTINFO);
        assertEquals(5, all.size());
        assertEquals(new MountTable.Mount("/", "ext4", "/dev/vda"), all.get(0));
        assertEquals(new MountTable.Mount("/tmp", "tmpfs", "tmpfs"), all.get(1));
        assertEquals(new MountTable.Mount("/var/tmp/weft-bench/mnt", "fuse.bindfs", "/var/tmp/weft-bench/source"),
                all.get(2));
    }

    @Test
    void theTopmostOfStackedMountsIsFound() {
        assertEquals("fuse.weft",
                MountTable.find(MOUNTINFO, Path.of("/var/tmp/weft-bench/mnt")).orElseThrow().fsType());
        assertTrue(MountTable.find(MOUNTINFO, Path.of("/var/tmp/weft-bench")).isEmpty());
    }

    @Test
    void octalEscapesAreDecoded() {
        MountTable.Mount m = MountTable.find(MOUNTINFO, Path.of("/var/tmp/a b\\c")).orElseThrow();
        assertEquals("fuse.jfuse", m.fsType());
        assertEquals("/src dir", m.source());
        assertEquals("a\\9b", MountTable.unescape("a\\9b"), "not an escape: kept");
        assertEquals("x\\04", MountTable.unescape("x\\04"), "too short: kept");
    }

    @Test
    void aLineWithoutTheSeparatorIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MountTable.parse("22 1 254:0 / / rw,relatime shared:1 ext4 /dev/vda rw\n"));
        assertTrue(e.getMessage().contains("not a mountinfo line"), e.getMessage());
    }

    @Test
    void thisProcesssRootIsMounted() {
        assertTrue(MountTable.find(Path.of("/")).isPresent(), "/ is in /proc/self/mountinfo");
    }
}
