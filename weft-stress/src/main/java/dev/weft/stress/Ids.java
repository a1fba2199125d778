package dev.weft.stress;

import dev.weft.ring.CompletionRing;
import dev.weft.sched.idle.IdleServerStack;
import dev.weft.sched.queue.LocalRunQueue;

import java.util.List;

/** Helpers that turn nodes and drained elements into the small ints the results record. */
final class Ids {

    private Ids() {
    }

    /** The id a node stands for, 0 for null. */
    static int id(IdleServerStack.Node<Integer> node) {
        return node == null ? 0 : node.server();
    }

    /** The id of an element, 0 for null. */
    static int id(Integer element) {
        return element == null ? 0 : element;
    }

    /**
     * Takes from {@code stack} until it returns null (at most 9 times, so a broken stack that keeps handing out
     * nodes cannot loop forever) and returns the ids in take order as decimal digits (0 when nothing was taken).
     */
    static int drain(IdleServerStack<Integer> stack) {
        int digits = 0;
        for (int i = 0; i < 9; i++) {
            IdleServerStack.Node<Integer> n = stack.take();
            if (n == null) {
                return digits;
            }
            digits = digits * 10 + n.server();
        }
        return -1; // more than 9 takes: nodes are being handed out again
    }

    /** Polls {@code queue} until empty (at most 9 times) and returns the elements oldest first as decimal digits. */
    static int drain(LocalRunQueue<Integer> queue) {
        int digits = 0;
        for (int i = 0; i < 9; i++) {
            Integer e = queue.poll();
            if (e == null) {
                return digits;
            }
            digits = digits * 10 + e;
        }
        return -1;
    }

    /** Polls {@code ring} until empty (at most 9 times) and returns the elements in ring order as decimal digits. */
    static int drain(CompletionRing<Integer> ring) {
        int digits = 0;
        for (int i = 0; i < 9; i++) {
            Integer e = ring.poll();
            if (e == null) {
                return digits;
            }
            digits = digits * 10 + e;
        }
        return -1;
    }

    /**
     * A ring of {@code capacity} that has wrapped once (7, 8, .. offered and polled, so both indexes stand at
     * {@code capacity}), then holding 1, 2, .., {@code count}, oldest first (beyond the capacity, on the overflow
     * list).
     */
    static CompletionRing<Integer> ringHolding(int capacity, int count) {
        CompletionRing<Integer> ring = new CompletionRing<>(capacity);
        for (int i = 0; i < capacity; i++) {
            ring.offer(7 + i);
        }
        for (int i = 0; i < capacity; i++) {
            if (id(ring.poll()) != 7 + i) {
                throw new IllegalStateException("setup: wrapping a ring of " + capacity);
            }
        }
        for (int i = 1; i <= count; i++) {
            ring.offer(i);
        }
        if (ring.size() != count || ring.overflowCount() != Math.max(0, count - capacity)) {
            throw new IllegalStateException("setup: a ring of " + capacity + " holding " + count + ": " + ring);
        }
        return ring;
    }

    /** A queue of {@code capacity} holding 1, 2, .., {@code count}, oldest first. */
    static LocalRunQueue<Integer> queueHolding(int capacity, int count) {
        LocalRunQueue<Integer> q = new LocalRunQueue<>(capacity);
        for (int i = 1; i <= count; i++) {
            if (!q.offer(i)) {
                throw new IllegalStateException("setup: a queue of " + capacity + " cannot hold " + count);
            }
        }
        return q;
    }

    /** The elements of {@code list} in order as decimal digits. */
    static int digits(List<Integer> list) {
        int digits = 0;
        for (Integer e : list) {
            digits = digits * 10 + (e == null ? 0 : e);
        }
        return digits;
    }
}
