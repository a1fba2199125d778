package dev.weft.ring;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

/**
 * The result of one operation as it comes back through a {@link CompletionRing}: a value, or the failure that
 * ended the operation. Like io_uring's {@code user_data}, the {@code tag} is the user's: the ring neither reads nor
 * checks it; it is there to tell the consumer which request a completion answers.
 *
 * @param tag     the user's tag, returned unchanged
 * @param value   the result when the operation succeeded (may be null); null when it failed
 * @param failure why the operation failed; null when it succeeded
 * @param <T>     the value's type
 */
public record Completion<T>(long tag, T value, Throwable failure) {

    /** Checks that a failed completion carries no value, so {@link #isSuccess()} alone tells the two apart. */
    public Completion {
        if (failure != null && value != null) {
            throw new IllegalArgumentException("a completion has a value or a failure, not both: tag " + tag
                    + ", value " + value + ", failure " + failure + "; use Completion.success or Completion.failure");
        }
    }

    /** A successful completion; {@code value} may be null (an operation with nothing to return). */
    public static <T> Completion<T> success(long tag, T value) {
        return new Completion<>(tag, value, null);
    }

    /** A failed completion. {@code failure} must not be null: a completion without a failure is a success. */
    public static <T> Completion<T> failure(long tag, Throwable failure) {
        Objects.requireNonNull(failure, () -> "Completion.failure(" + tag + ", null): the failure is missing;"
                + " use Completion.success(tag, value) for an operation that succeeded");
        return new Completion<>(tag, null, failure);
    }

    /** True when the operation succeeded (there is no failure). */
    public boolean isSuccess() {
        return failure == null;
    }

    /**
     * The value of a successful completion; for a failed one, throws as {@code Future.get} does: the failure wrapped
     * in an {@link ExecutionException}, except a {@link CancellationException}, which is thrown as is (the same
     * instance).
     */
    public T valueOrThrow() throws ExecutionException {
        if (failure == null) {
            return value;
        }
        if (failure instanceof CancellationException cancelled) {
            throw cancelled;
        }
        throw new ExecutionException("operation with tag " + tag + " failed", failure);
    }
}
