package dev.weft.fuse.server;

import dev.weft.fuse.kernel.FuseDeviceKernelTest;
import dev.weft.sched.internal.CpuAffinity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link FuseServer.Builder#pinned}: each {@code /dev/fuse} reader's CPU affinity as the kernel reports it
 * ({@code Cpus_allowed_list} in {@code /proc/self/task/TID/status}, the thread found by its name {@code weft-fuse-N}).
 */
class PinnedReadersKernelTest {

    @TempDir
    Path mnt;

    @Test
    void pinnedReaderIRunsOnlyOnTheIthAllowedCpu() throws Exception {
        FuseDeviceKernelTest.requireKernel();
        int[] allowed = CpuAffinity.currentThreadAffinity().stream().toArray();
        int readers = allowed.length + 1; // one more than the CPUs: the last wraps round to the first CPU
        try (FuseServer server = FuseServer.builder(new MemoryFilesystem().put("a", "x")).threads(readers)
                .pinned(true).unmountOnExit(false).mount(mnt)) {
            assertEquals("x", Files.readString(mnt.resolve("a")), "pinned readers serve");
            Map<Integer, String> cpus = readerCpuLists(readers);
            for (int i = 0; i < readers; i++) {
                assertEquals(Integer.toString(allowed[i % allowed.length]), cpus.get(i),
                        "reader " + i + " of " + readers + " on allowed CPUs " + java.util.Arrays.toString(allowed));
            }
        }
    }

    @Test
    void readersAreUnpinnedByDefault() throws Exception {
        FuseDeviceKernelTest.requireKernel();
        String own = cpusAllowedList(Path.of("/proc/thread-self/status"));
        try (FuseServer server = FuseServer.builder(new MemoryFilesystem().put("a", "x")).threads(2)
                .unmountOnExit(false).mount(mnt)) {
            assertEquals("x", Files.readString(mnt.resolve("a")));
            assertEquals(Map.of(0, own, 1, own), readerCpuLists(2), "the readers keep the process's CPUs");
        }
    }

    @Test
    void readerCpusWrapRoundTheAllowedOnes() {
        BitSet allowed = new BitSet();
        allowed.set(1);
        allowed.set(3);
        assertArrayEquals(new int[]{1, 3, 1}, FuseServer.readerCpus(3, allowed));
        assertThrows(IllegalStateException.class, () -> FuseServer.readerCpus(1, new BitSet()));
    }

    /** {@code Cpus_allowed_list} of each live {@code weft-fuse-N} thread of this process, by N. */
    private static Map<Integer, String> readerCpuLists(int readers) throws IOException {
        Map<Integer, String> byReader = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String comm;
                try {
                    comm = Files.readString(task.resolve("comm")).strip();
                } catch (java.nio.file.NoSuchFileException ended) {
                    continue;
                }
                if (comm.matches("weft-fuse-\\d+")) {
                    int n = Integer.parseInt(comm.substring("weft-fuse-".length()));
                    assertNull(byReader.put(n, cpusAllowedList(task.resolve("status"))), "one thread named " + comm);
                }
            }
        }
        assertEquals(readers, byReader.size(), "reader threads found: " + byReader);
        return byReader;
    }

    private static String cpusAllowedList(Path status) throws IOException {
        return Files.readAllLines(status).stream().filter(l -> l.startsWith("Cpus_allowed_list:"))
                .map(l -> l.substring("Cpus_allowed_list:".length()).strip()).findFirst().orElseThrow();
    }
}
