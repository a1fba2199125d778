package dev.weft.fuse.passthrough;

import java.io.FileInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A client process for {@link PassthroughPruneTest}: opens the file {@code args[0]} {@code args[1]} times and keeps
 * every descriptor, prints {@code held N} (N: how many opens succeeded), and exits when its standard input ends.
 */
public final class HoldOpenMain {
    public static void main(String[] args) throws IOException {
        int n = Integer.parseInt(args[1]);
        List<FileInputStream> held = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                held.add(new FileInputStream(args[0]));
            }
        } catch (IOException e) {
            System.out.println("failed after " + held.size() + ": " + e.getMessage());
        }
        System.out.println("held " + held.size());
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the test closes our input
        }
    }
}
