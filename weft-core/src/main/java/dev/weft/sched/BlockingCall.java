package dev.weft.sched;

/**
 * A call that may block its OS thread (a native call, file I/O, a lock of another runtime), for
 * {@link ConcurrencyGroup#blocking}.
 *
 * @param <T> result type
 * @param <X> the exception it may throw
 */
@FunctionalInterface
public interface BlockingCall<T, X extends Throwable> {
    T call() throws X;
}
