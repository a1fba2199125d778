/**
 * weft-core: concurrency groups, a user-managed scheduler for virtual threads.
 */
module dev.weft.core {
    requires jdk.jfr;

    exports dev.weft.sched;
    exports dev.weft.sched.policy;
    exports dev.weft.sched.idle;
    exports dev.weft.sched.queue;
    exports dev.weft.sched.jfr;
    exports dev.weft.threadlet;
    exports dev.weft.ring;
    exports dev.weft.sched.internal to dev.weft.fuse;
}
