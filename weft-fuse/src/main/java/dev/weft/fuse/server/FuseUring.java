package dev.weft.fuse.server;

import dev.weft.fuse.FuseConnectionInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What FUSE over io_uring ({@link Transport#IO_URING}) needs from the machine: a kernel with
 * {@code CONFIG_FUSE_IO_URING} (6.14+) whose {@code fuse} module parameter {@code enable_uring} is on, and one
 * queue per possible CPU.
 */
public final class FuseUring {
    /** The {@code fuse} module's switch: the kernel offers {@code FUSE_OVER_IO_URING} at INIT only while it is on. */
    public static final Path ENABLE_PARAMETER = Path.of("/sys/module/fuse/parameters/enable_uring");
    /** The CPUs the kernel may ever bring online: it makes one queue for each ({@code num_possible_cpus()}). */
    static final Path POSSIBLE_CPUS = Path.of("/sys/devices/system/cpu/possible");
    /** The FUSE minor version that brought {@code FUSE_OVER_IO_URING}. */
    static final int MINOR = 42;

    private FuseUring() {
    }

    /** Whether {@link #ENABLE_PARAMETER} is on; false when the kernel has no such parameter. */
    public static boolean isEnabled() throws IOException {
        try {
            String v = Files.readString(ENABLE_PARAMETER, StandardCharsets.US_ASCII).strip();
            return v.equals("Y") || v.equals("1");
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /**
     * Turns {@link #ENABLE_PARAMETER} on or off (root only); returns what it was. It applies to connections made
     * after it: a mount keeps what its INIT settled.
     *
     * @throws IOException naming the parameter, when the kernel lacks it or the write is refused
     */
    public static boolean setEnabled(boolean on) throws IOException {
        if (!Files.exists(ENABLE_PARAMETER)) {
            throw new IOException(ENABLE_PARAMETER + " does not exist: this kernel (" + kernelRelease() + ") has no"
                    + " FUSE over io_uring (it needs Linux 6.14 or later built with CONFIG_FUSE_IO_URING)");
        }
        boolean was = isEnabled();
        try {
            Files.writeString(ENABLE_PARAMETER, on ? "1" : "0", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IOException("cannot write " + ENABLE_PARAMETER + " (" + e + "): it takes root", e);
        }
        return was;
    }

    /** Why a kernel that answered INIT with {@code info} did not grant FUSE_OVER_IO_URING, and what to do. */
    static String whyNotOffered(FuseConnectionInfo info) {
        String prefix = "the kernel did not offer FUSE over io_uring at INIT: ";
        if (info.kernelMinor() < MINOR) {
            return prefix + "it speaks FUSE 7." + info.kernelMinor() + ", and io_uring came with 7." + MINOR
                    + " (Linux 6.14); use the /dev/fuse transport";
        }
        boolean enabled;
        try {
            enabled = isEnabled();
        } catch (IOException e) {
            enabled = false;
        }
        if (!Files.exists(ENABLE_PARAMETER)) {
            return prefix + "this kernel was built without CONFIG_FUSE_IO_URING (" + ENABLE_PARAMETER
                    + " is missing); use the /dev/fuse transport";
        }
        return prefix + (enabled ? "enable_uring is on, yet the kernel refused it"
                : "it is switched off: as root, echo 1 > " + ENABLE_PARAMETER + " (or FuseUring.setEnabled(true)),"
                + " then mount again");
    }

    /**
     * The number of possible CPUs, from {@link #POSSIBLE_CPUS} (a list of ranges such as {@code 0-1} or
     * {@code 0,2-3}): the highest CPU number plus one, as the kernel sizes its queue array. Falls back to the
     * available processors if the file cannot be read.
     */
    static int possibleCpus() {
        try {
            return parseCpuList(Files.readString(POSSIBLE_CPUS, StandardCharsets.US_ASCII));
        } catch (IOException | IllegalArgumentException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    /** The highest CPU of a kernel CPU list ({@code 0-3,5}) plus one. */
    static int parseCpuList(String list) {
        int max = -1;
        for (String part : list.strip().split(",")) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("empty range in CPU list '" + list.strip() + "'");
            }
            int dash = part.indexOf('-');
            int hi = Integer.parseInt(dash < 0 ? part : part.substring(dash + 1));
            int lo = dash < 0 ? hi : Integer.parseInt(part.substring(0, dash));
            if (lo < 0 || hi < lo) {
                throw new IllegalArgumentException("bad range '" + part + "' in CPU list '" + list.strip() + "'");
            }
            max = Math.max(max, hi);
        }
        return max + 1;
    }

    private static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return "unknown release";
        }
    }
}
