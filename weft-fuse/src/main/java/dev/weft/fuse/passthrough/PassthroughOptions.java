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
 */
public record PassthroughOptions(Duration entryTimeout, Duration attrTimeout, boolean keepCache) {

    public PassthroughOptions {
        requireTimeout("entryTimeout", entryTimeout);
        requireTimeout("attrTimeout", attrTimeout);
    }

    /** One second for entries and attributes, page cache kept. */
    public static PassthroughOptions defaults() {
        return new PassthroughOptions(Duration.ofSeconds(1), Duration.ofSeconds(1), true);
    }

    private static void requireTimeout(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " " + d + " is negative; pass Duration.ZERO to disable caching");
        }
    }
}
