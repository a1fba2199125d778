package dev.weft.bench.uring;

import java.util.Arrays;
import java.util.List;

/** The variants of uring-randread, in report order; {@link #FILECHANNEL_VT} is the baseline. */
public enum RandReadVariant {
    /** {@code UringFile.read} on the workers of a {@code UringServerPoller.groupBuilder()} group (a ring per server). */
    WEFT_URING("weft-uring", "UringFile.read on workers of a weft group with an io_uring per server"),
    /** weft-uring with the file registered in each ring and the readers' buffers registered with the group. */
    WEFT_URING_FIXED("weft-uring-fixed", "as weft-uring, the file and the buffers registered (READ_FIXED, fixed"
            + " file)"),
    /** {@code FileChannel.read} on virtual threads of the JDK's default scheduler. */
    FILECHANNEL_VT("filechannel-vt", "FileChannel.read (DIRECT) on virtual threads of the JDK's scheduler"),
    /** {@code FileChannel.read} on platform threads. */
    FILECHANNEL_PLATFORM("filechannel-platform", "FileChannel.read (DIRECT) on platform threads"),
    /** fio's io_uring engine, one job at queue depth 64: what C gets from the same device. */
    FIO_IO_URING("fio-io_uring", "fio, io_uring engine, 1 job, iodepth 64");

    private final String key;
    private final String what;

    RandReadVariant(String key, String what) {
        this.key = key;
        this.what = what;
    }

    /** The variant's key in the report and the JSON line. */
    public String key() {
        return key;
    }

    /** One line on how the variant reads. */
    public String what() {
        return what;
    }

    /** The keys of all variants, in report order. */
    public static List<String> keys() {
        return Arrays.stream(values()).map(RandReadVariant::key).toList();
    }
}
