package dev.weft.sched.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A spare server ran for the group while a worker blocked its server in {@code ConcurrencyGroup.blocking}. */
@Name("dev.weft.Compensation")
@Label("Compensation")
@Category({"weft", "Scheduler"})
@Description("A spare server ran for the group while a worker blocked its server")
public final class CompensationEvent extends jdk.jfr.Event {
    @Label("Group")
    public String group;
    @Label("Blocked Server")
    public int blockedServer;
    @Label("Spare Server")
    @Description("-1 when no spare could be lent (the limit was reached)")
    public int spareServer;
}
