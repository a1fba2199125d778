package dev.weft.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** {@code weft help}: it names every option {@code weft mount} takes, and what {@code weft demo} does. */
class MainHelpTest {

    private static String help() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[]{"help"}, new PrintStream(out, true), System.err));
        return out.toString();
    }

    @Test
    void helpNamesEveryOptionOfMount() throws Exception {
        String help = help();
        Matcher option = Pattern.compile("--[a-z-]+").matcher(MountCommand.MOUNT_USAGE);
        int options = 0;
        while (option.find()) {
            options++;
            assertTrue(help.contains(option.group()), "weft help lacks " + option.group() + ":\n" + help);
        }
        assertTrue(options >= 13, options + " options found in the usage");
        assertTrue(help.contains("--pin") && help.contains("--inode-budget"), help);
    }

    @Test
    void helpSaysTheDemoMountsAFusePassthrough() throws Exception {
        String demo = help().lines().dropWhile(l -> !l.strip().startsWith("demo")).takeWhile(l -> !l.strip()
                .startsWith("mount ["))
                .reduce("", (a, b) -> a + " " + b.strip());
        assertTrue(demo.contains("passthrough") && demo.contains("unmount"), demo);
    }
}
