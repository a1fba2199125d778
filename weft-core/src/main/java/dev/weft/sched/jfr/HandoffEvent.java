package dev.weft.sched.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A server ran the worker its previous worker had woken, from its next slot. */
@Name("dev.weft.Handoff")
@Label("Hand-off")
@Category({"weft", "Scheduler"})
@Description("A server ran the worker that its previous worker had woken, from its next slot")
public final class HandoffEvent extends jdk.jfr.Event {
    @Label("Group")
    public String group;
    @Label("Server")
    public int server;
    @Label("Worker")
    public String worker;
}
