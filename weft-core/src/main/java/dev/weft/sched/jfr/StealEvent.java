package dev.weft.sched.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A server with nothing to run took workers from another server. */
@Name("dev.weft.Steal")
@Label("Work Steal")
@Category({"weft", "Scheduler"})
@Description("A server with nothing to run took workers from another server")
public final class StealEvent extends jdk.jfr.Event {
    @Label("Group")
    public String group;
    @Label("Thief")
    public int thief;
    @Label("Victim")
    public int victim;
    @Label("Source")
    @Description("local, inbox, next or handed")
    public String source;
    @Label("Workers")
    public int count;
}
