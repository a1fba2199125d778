package dev.weft.fuse.proto;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@link LinuxErrno} against the C library's {@code <errno.h>} on Linux. */
class LinuxErrnoTest {

    /**
     * Printed by a C program ({@code printf("EPERM=%d", EPERM)} and so on for every name below) compiled with gcc
     * against glibc's {@code <errno.h>} on x86-64, which takes the numbers from the kernel's
     * {@code asm-generic/errno-base.h} and {@code errno.h} and adds {@code ENOTSUP} as an alias of
     * {@code EOPNOTSUPP}.
     */
    static final String GCC_ERRNO = """
            EPERM=1 ENOENT=2 EINTR=4 EIO=5 ENXIO=6 EBADF=9 EAGAIN=11 ENOMEM=12 EACCES=13 EFAULT=14 EBUSY=16
            EEXIST=17 EXDEV=18 ENODEV=19 ENOTDIR=20 EISDIR=21 EINVAL=22 ENFILE=23 EMFILE=24 EFBIG=27 ENOSPC=28
            EROFS=30 ERANGE=34 ENAMETOOLONG=36 ENOSYS=38 ENOTEMPTY=39 ELOOP=40 ENODATA=61 EOVERFLOW=75
            EOPNOTSUPP=95 ENOTSUP=95 ECONNABORTED=103 ENOTCONN=107 ESTALE=116
            """;

    @Test
    void everyConstantMatchesGcc() throws IllegalAccessException {
        Map<String, Integer> gcc = new TreeMap<>();
        for (String pair : GCC_ERRNO.strip().split("\\s+")) {
            String[] kv = pair.split("=");
            gcc.put(kv[0], Integer.parseInt(kv[1]));
        }
        Map<String, Integer> java = new TreeMap<>();
        for (Field f : LinuxErrno.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                java.put(f.getName(), f.getInt(null));
            }
        }
        assertEquals(gcc, java, "every LinuxErrno constant has its gcc value, and no other");
    }

    @Test
    void everyValueFitsAReply() throws IllegalAccessException {
        for (Field f : LinuxErrno.class.getFields()) {
            int errno = f.getInt(null);
            assertTrue(errno > 0 && errno < 512, f.getName() + " = " + errno + " is not in the kernel's 1..511");
        }
    }
}
