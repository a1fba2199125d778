package dev.weft.sched.idle;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The UMCG idle-server list semantics, single-threaded (jcstress covers the races). */
class IdleServerStackTest {

    @Test
    void takeMarksTheMostRecentlyPushedLiveNode() {
        IdleServerStack<String> stack = new IdleServerStack<>(4);
        var a = new IdleServerStack.Node<>("a");
        var b = new IdleServerStack.Node<>("b");
        stack.push(a);
        stack.push(b);
        var taken = stack.take();
        assertSame(b, taken, "LIFO: the most recently idle server is taken first");
        assertTrue(b.isDeleted(), "taking marks the node deleted");
        assertFalse(a.isDeleted());
        assertEquals(2, stack.size(), "wakers never unlink: the deleted node stays until a server cleans up");
    }

    @Test
    void takeSkipsDeletedNodes() {
        IdleServerStack<String> stack = new IdleServerStack<>(4);
        var a = new IdleServerStack.Node<>("a");
        var b = new IdleServerStack.Node<>("b");
        stack.push(a);
        stack.push(b);
        assertTrue(stack.tryTake(b));
        assertSame(a, stack.take(), "a deleted head is skipped");
        assertNull(stack.take(), "no live node left: null, not an error");
    }

    @Test
    void tryTakeSucceedsOncePerNode() {
        IdleServerStack<String> stack = new IdleServerStack<>(1);
        var a = new IdleServerStack.Node<>("a");
        stack.push(a);
        assertTrue(stack.tryTake(a));
        assertFalse(stack.tryTake(a), "the second marker sees bit 0 set");
        assertNull(stack.take());
    }

    @Test
    void scanIsBoundedByTwiceTheServers() {
        IdleServerStack<String> stack = new IdleServerStack<>(1); // scan limit 2
        var live = new IdleServerStack.Node<>("live");
        var d1 = new IdleServerStack.Node<>("d1");
        var d2 = new IdleServerStack.Node<>("d2");
        stack.push(live);
        stack.push(d1);
        stack.push(d2);
        // mark without cleaning: the two deleted nodes now sit above the live one
        assertTrue(stack.tryTake(d1));
        assertTrue(stack.tryTake(d2));
        assertEquals(2, stack.scanLimit());
        assertNull(stack.take(), "a taker looks at 2 x servers nodes only, and finding none is not an error");
        assertFalse(live.isDeleted());
        stack.setServers(2);
        assertSame(live, stack.take(), "with a larger bound the live node is reached");
    }

    @Test
    void pushUnlinksDeletedNodesFirst() {
        IdleServerStack<String> stack = new IdleServerStack<>(8);
        var a = new IdleServerStack.Node<>("a");
        var b = new IdleServerStack.Node<>("b");
        var c = new IdleServerStack.Node<>("c");
        stack.push(a);
        stack.push(b);
        stack.push(c);
        assertTrue(stack.tryTake(a)); // bottom
        assertTrue(stack.tryTake(c)); // head
        assertEquals(3, stack.size());
        var d = new IdleServerStack.Node<>("d");
        stack.push(d);
        assertEquals(2, stack.size(), "the server's push removed both deleted nodes: b and d remain");
        assertSame(d, stack.take());
        assertSame(b, stack.take());
        assertNull(stack.take());
    }

    @Test
    void cleanUpEmptiesAFullyDeletedList() {
        IdleServerStack<String> stack = new IdleServerStack<>(2);
        var a = new IdleServerStack.Node<>("a");
        stack.push(a);
        assertSame(a, stack.take());
        stack.cleanUp();
        assertEquals(0, stack.size());
        assertFalse(stack.hasLiveNode());
    }

    @Test
    void rejectsBadServerCount() {
        var e = assertThrows(IllegalArgumentException.class, () -> new IdleServerStack<String>(0));
        assertTrue(e.getMessage().contains("servers"), e.getMessage());
    }
}
