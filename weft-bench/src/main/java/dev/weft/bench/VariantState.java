package dev.weft.bench;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A benchmark state that holds one {@link Variant} open for a whole trial (one fork). A subclass declares the
 * {@code @Param} that names the variant (its own list of variants) and returns it from {@link #scheduler()}.
 */
public abstract class VariantState {

    Variant variant;

    /** The name of the variant to open: the subclass's {@code @Param} field. */
    protected abstract String scheduler();

    @Setup(Level.Trial)
    public void open() {
        variant = Variant.open(scheduler());
    }

    @TearDown(Level.Trial)
    public void close() {
        variant.close();
    }
}
