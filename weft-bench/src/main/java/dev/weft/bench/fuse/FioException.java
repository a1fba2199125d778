package dev.weft.bench.fuse;

/** fio could not run, failed, or wrote a report the benchmark cannot read; the message says which and why. */
public final class FioException extends Exception {
    public FioException(String message) {
        super(message);
    }
}
