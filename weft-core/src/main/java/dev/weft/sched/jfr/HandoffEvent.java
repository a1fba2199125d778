package dev.weft.sched.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * A server ran the worker its previous worker had woken, from its next slot. One per hand-off, so it is off by
 * default: enable it explicitly ({@code -XX:StartFlightRecording:dev.weft.Handoff#enabled=true}, or
 * {@code Recording.enable("dev.weft.Handoff")}).
 */
@Name("dev.weft.Handoff")
@Label("Hand-off")
@Category({"weft", "Scheduler"})
@Description("A server ran the worker that its previous worker had woken, from its next slot")
@Enabled(false)
public final class HandoffEvent extends jdk.jfr.Event {
    @Label("Group")
    public String group;
    @Label("Server")
    public int server;
    @Label("Worker Thread Id")
    public long workerThreadId;
}
