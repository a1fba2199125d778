package dev.weft.fuse.posix;

import dev.weft.fuse.proto.LinuxErrno;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ErrnoTest {

    @Test
    void strerrorTakesEitherSign() {
        assertEquals("No such file or directory", Errno.strerror(LinuxErrno.ENOENT));
        assertEquals("Too many levels of symbolic links", Errno.strerror(-LinuxErrno.ELOOP));
    }

    @Test
    void processCredentialsAndUmask() throws Exception {
        assertEquals(System.getProperty("user.name").equals("root"), ProcessCalls.geteuid() == 0);
        int umask = ProcessCalls.umask();
        assertTrue(umask >= 0 && umask <= 0777, "umask " + Integer.toOctalString(umask));
    }
}
