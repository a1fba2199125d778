package dev.weft.fuse.passthrough;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the kernel may cache what {@link PassthroughFilesystem} replies.
 *
 * @param entryTimeout how long a name-to-inode binding may be cached, and the absence of a name (LOOKUP of a missing
 *                     name answers with a negative entry for this long; with zero it answers ENOENT)
 * @param attrTimeout  how long an inode's attributes may be cached
 * @param keepCache    whether an open keeps the file's page cache ({@code FOPEN_KEEP_CACHE}) and a directory's
 *                     listing may be cached ({@code FOPEN_CACHE_DIR}): right when the source changes only through
 *                     this mount, as libfuse's {@code passthrough_hp} assumes by default; false when other
 *                     programs write the source directly
 * @param inodeBudget  how many inodes the passthrough holds (one {@code O_PATH} descriptor each) before it asks the
 *                     kernel to forget those not used lately ({@code FUSE_NOTIFY_PRUNE}, FUSE 7.45); 0 for the
 *                     default: three quarters of the open-file limit the process could raise itself to, split evenly
 *                     among the open passthroughs of the process that use the default (the limit is the process's).
 *                     A budget given here is not shared: several in one JVM should add up below the limit. Either
 *                     is lowered while files and directories open through the mount take more than the rest of the
 *                     limit, and opens fail with {@code ENFILE} beyond seven eighths of it (of the share, on the
 *                     default; of the whole limit for each passthrough with a budget given here)
 */
public record PassthroughOptions(Duration entryTimeout, Duration attrTimeout, boolean keepCache, int inodeBudget) {

    public PassthroughOptions {
        requireTimeout("entryTimeout", entryTimeout);
        requireTimeout("attrTimeout", attrTimeout);
        if (inodeBudget < 0) {
            throw new IllegalArgumentException("inodeBudget " + inodeBudget + " is negative; pass 0 for the default");
        }
    }

    /** These timeouts and cache choice, with the default inode budget. */
    public PassthroughOptions(Duration entryTimeout, Duration attrTimeout, boolean keepCache) {
        this(entryTimeout, attrTimeout, keepCache, 0);
    }

    /** One second for entries and attributes, page cache kept, the default inode budget. */
    public static PassthroughOptions defaults() {
        return new PassthroughOptions(Duration.ofSeconds(1), Duration.ofSeconds(1), true, 0);
    }

    /** These options with {@code budget} as the {@link #inodeBudget}. */
    public PassthroughOptions withInodeBudget(int budget) {
        return new PassthroughOptions(entryTimeout, attrTimeout, keepCache, budget);
    }

    private static void requireTimeout(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " " + d + " is negative; pass Duration.ZERO to disable caching");
        }
    }
}
