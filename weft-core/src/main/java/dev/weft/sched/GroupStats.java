package dev.weft.sched;

import java.util.List;

/**
 * A snapshot of a group's counters.
 *
 * @param group         the group's name
 * @param policy        its policy's name
 * @param servers       one entry per server, spares last
 * @param compensations spare servers lent while a worker blocked in {@code ConcurrencyGroup.blocking}
 * @param liveWorkers   workers started and not yet ended
 * @param inlineStarts  workers started by {@code startInline}: run on the starting platform thread first
 * @param inlineMoved   of those, the ones that blocked or yielded there and went on on the servers
 * @param switches      workers started by {@code switchTo}: run first on the starting worker's server
 */
public record GroupStats(String group, String policy, List<ServerStats> servers, long compensations,
                         long liveWorkers, long inlineStarts, long inlineMoved, long switches) {

    /** Workers started inline that ended there, without ever reaching a server. */
    public long inlineCompleted() {
        return inlineStarts - inlineMoved;
    }

    public long runs() {
        return servers.stream().mapToLong(ServerStats::runs).sum();
    }

    public long handoffs() {
        return servers.stream().mapToLong(ServerStats::handoffs).sum();
    }

    public long steals() {
        return servers.stream().mapToLong(ServerStats::steals).sum();
    }

    public long stolen() {
        return servers.stream().mapToLong(ServerStats::stolen).sum();
    }

    public long spins() {
        return servers.stream().mapToLong(ServerStats::spins).sum();
    }

    public long parks() {
        return servers.stream().mapToLong(ServerStats::parks).sum();
    }

    /** A table, one line per server and a total line. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("group %s, policy %s, live workers %d, compensations %d%n",
                group, policy, liveWorkers, compensations));
        if (inlineStarts > 0 || switches > 0) {
            sb.append(String.format("inline starts %d (ended inline %d, blocked and moved to the servers %d),"
                    + " switches %d%n", inlineStarts, inlineCompleted(), inlineMoved, switches));
        }
        sb.append(String.format("%-8s %4s %12s %12s %9s %9s %9s %9s%n",
                "server", "cpu", "runs", "handoffs", "steals", "stolen", "spins", "parks"));
        for (ServerStats s : servers) {
            sb.append(String.format("%-8s %4s %12d %12d %9d %9d %9d %9d%n",
                    (s.spare() ? "spare" : "server") + s.id(), s.cpu() < 0 ? "-" : Integer.toString(s.cpu()),
                    s.runs(), s.handoffs(), s.steals(), s.stolen(), s.spins(), s.parks()));
        }
        sb.append(String.format("%-8s %4s %12d %12d %9d %9d %9d %9d%n",
                "total", "", runs(), handoffs(), steals(), stolen(), spins(), parks()));
        return sb.toString();
    }
}
