/*
 * The C peer of weft's FUSE benchmarks: a passthrough file system on libfuse 3's high-level API, multithreaded,
 * written for weft-bench (a benchmark peer, not part of weft). It mirrors SOURCE on MOUNTPOINT and is built by the
 * benchmark with `cc -O2 $(pkg-config --cflags --libs fuse3)` (Debian: libfuse3-dev).
 *
 *   libfuse3-passthrough SOURCE MOUNTPOINT
 *
 * It serves what weft's passthrough serves the way weft does where libfuse 3.14 lets it:
 * - entries and attributes cached for 1 s, missing names too (negative entries), inode numbers from the source;
 * - a file opened with O_DIRECT is opened so on the source and answered with FOPEN_DIRECT_IO, every read and write
 *   going through the server; the source file is read and written through a per-thread aligned bounce buffer,
 *   as O_DIRECT needs and as the jfuse peer and bindfs --forward-odirect do (libfuse's buffers are not aligned);
 * - opens are answered with FOPEN_NOFLUSH (no FLUSH on close: the source is a local file system);
 * - xattrs, symlinks, hard links, rename flags, fallocate.
 * Paths are SOURCE's absolute path followed by the request's path, as in libfuse's own passthrough example (whose
 * source is /); unlike weft's passthrough it does not guard against symlinks swapped in under it (a benchmark peer).
 * Not relative paths: fuse_main() changes the working directory to / even in the foreground. libfuse 3.14 prints
 * "Ignoring invalid max threads value" at start: its fuse_main() leaves the limit unset and uses its default (10).
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE

#include <fuse.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

#define ALIGN 4096
#define BOUNCE_SIZE (1u << 20)

static char source[PATH_MAX];
static size_t source_length;

/* SOURCE's absolute path followed by the request's path ("/" is SOURCE itself); false when it does not fit. */
static int full(const char *path, char *out)
{
	size_t n = strlen(path);
	if (source_length + n + 1 > PATH_MAX)
		return 0;
	memcpy(out, source, source_length);
	memcpy(out + source_length, path, n + 1);
	return 1;
}

#define PATH(var, path) \
	char var[PATH_MAX]; \
	if (!full(path, var)) \
		return -ENAMETOOLONG

static void *init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void) conn;
	cfg->use_ino = 1;
	cfg->entry_timeout = 1.0;
	cfg->attr_timeout = 1.0;
	cfg->negative_timeout = 1.0;
	return NULL;
}

static int pt_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	PATH(p_path, path);
	int r = fi != NULL ? fstat((int) fi->fh, st) : fstatat(AT_FDCWD, p_path, st, AT_SYMLINK_NOFOLLOW);
	return r == -1 ? -errno : 0;
}

static int pt_access(const char *path, int mask)
{
	PATH(p_path, path);
	return faccessat(AT_FDCWD, p_path, mask, AT_SYMLINK_NOFOLLOW) == -1 ? -errno : 0;
}

static int pt_readlink(const char *path, char *buf, size_t size)
{
	PATH(p_path, path);
	ssize_t n = readlink(p_path, buf, size - 1);
	if (n == -1)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static int pt_opendir(const char *path, struct fuse_file_info *fi)
{
	PATH(p_path, path);
	DIR *d = opendir(p_path);
	if (d == NULL)
		return -errno;
	fi->fh = (uint64_t) (uintptr_t) d;
	return 0;
}

static int pt_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t offset,
		      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	(void) path;
	(void) flags;
	DIR *d = (DIR *) (uintptr_t) fi->fh;
	seekdir(d, offset);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		struct stat st = { .st_ino = e->d_ino, .st_mode = (mode_t) DTTOIF(e->d_type) };
		if (filler(buf, e->d_name, &st, telldir(d), 0))
			break;
	}
	return 0;
}

static int pt_releasedir(const char *path, struct fuse_file_info *fi)
{
	(void) path;
	closedir((DIR *) (uintptr_t) fi->fh);
	return 0;
}

static int pt_mknod(const char *path, mode_t mode, dev_t rdev)
{
	PATH(p_path, path);
	int r = S_ISFIFO(mode) ? mkfifo(p_path, mode) : mknod(p_path, mode, rdev);
	return r == -1 ? -errno : 0;
}

static int pt_mkdir(const char *path, mode_t mode)
{
	PATH(p_path, path);
	return mkdir(p_path, mode) == -1 ? -errno : 0;
}

static int pt_unlink(const char *path)
{
	PATH(p_path, path);
	return unlink(p_path) == -1 ? -errno : 0;
}

static int pt_rmdir(const char *path)
{
	PATH(p_path, path);
	return rmdir(p_path) == -1 ? -errno : 0;
}

static int pt_symlink(const char *target, const char *path)
{
	PATH(p_path, path);
	return symlink(target, p_path) == -1 ? -errno : 0;
}

static int pt_rename(const char *from, const char *to, unsigned int flags)
{
	PATH(p_from, from);
	PATH(p_to, to);
	long r = syscall(SYS_renameat2, AT_FDCWD, p_from, AT_FDCWD, p_to, flags);
	return r == -1 ? -errno : 0;
}

static int pt_link(const char *from, const char *to)
{
	PATH(p_from, from);
	PATH(p_to, to);
	return link(p_from, p_to) == -1 ? -errno : 0;
}

static int pt_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	PATH(p_path, path);
	int r = fi != NULL ? fchmod((int) fi->fh, mode) : chmod(p_path, mode);
	return r == -1 ? -errno : 0;
}

static int pt_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi)
{
	PATH(p_path, path);
	int r = fi != NULL ? fchown((int) fi->fh, uid, gid) : lchown(p_path, uid, gid);
	return r == -1 ? -errno : 0;
}

static int pt_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	PATH(p_path, path);
	int r = fi != NULL ? ftruncate((int) fi->fh, size) : truncate(p_path, size);
	return r == -1 ? -errno : 0;
}

static int pt_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
	PATH(p_path, path);
	int r = fi != NULL ? futimens((int) fi->fh, tv) : utimensat(AT_FDCWD, p_path, tv, AT_SYMLINK_NOFOLLOW);
	return r == -1 ? -errno : 0;
}

/* fi->fh: the source file's descriptor, and DIRECT when it was opened with O_DIRECT (it keeps that flag even if
 * the client's later fcntl clears it on its side), so that reads and writes know whether to go through the bounce
 * buffer. (int) fi->fh is the descriptor. */
#define DIRECT (1ull << 32)

static void answer_open(struct fuse_file_info *fi, int fd)
{
	fi->fh = (uint64_t) fd | ((fi->flags & O_DIRECT) != 0 ? DIRECT : 0);
	fi->direct_io = (fi->flags & O_DIRECT) != 0;
	fi->noflush = 1;
}

static int pt_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	PATH(p_path, path);
	int fd = open(p_path, fi->flags, mode);
	if (fd == -1)
		return -errno;
	answer_open(fi, fd);
	return 0;
}

static int pt_open(const char *path, struct fuse_file_info *fi)
{
	PATH(p_path, path);
	int fd = open(p_path, fi->flags);
	if (fd == -1)
		return -errno;
	answer_open(fi, fd);
	return 0;
}

/* The calling thread's aligned buffer for O_DIRECT reads and writes of up to BOUNCE_SIZE bytes. */
static char *bounce(void)
{
	static __thread char *buffer;
	if (buffer == NULL && posix_memalign((void **) &buffer, ALIGN, BOUNCE_SIZE) != 0)
		buffer = NULL;
	return buffer;
}

static int pt_read(const char *path, char *buf, size_t size, off_t offset, struct fuse_file_info *fi)
{
	(void) path;
	int fd = (int) fi->fh;
	if ((fi->fh & DIRECT) == 0) {
		ssize_t n = pread(fd, buf, size, offset);
		return n == -1 ? -errno : (int) n;
	}
	char *b = bounce();
	if (b == NULL)
		return -ENOMEM;
	size_t done = 0;
	while (done < size) { /* in pieces of the bounce buffer's size, to the end of the file */
		size_t piece = size - done < BOUNCE_SIZE ? size - done : BOUNCE_SIZE;
		ssize_t n = pread(fd, b, piece, offset + (off_t) done);
		if (n == -1)
			return done > 0 ? (int) done : -errno;
		memcpy(buf + done, b, (size_t) n);
		done += (size_t) n;
		if ((size_t) n < piece)
			break;
	}
	return (int) done;
}

static int pt_write(const char *path, const char *buf, size_t size, off_t offset, struct fuse_file_info *fi)
{
	(void) path;
	int fd = (int) fi->fh;
	if ((fi->fh & DIRECT) == 0) {
		ssize_t n = pwrite(fd, buf, size, offset);
		return n == -1 ? -errno : (int) n;
	}
	char *b = bounce();
	if (b == NULL)
		return -ENOMEM;
	size_t done = 0;
	while (done < size) {
		size_t piece = size - done < BOUNCE_SIZE ? size - done : BOUNCE_SIZE;
		memcpy(b, buf + done, piece);
		ssize_t n = pwrite(fd, b, piece, offset + (off_t) done);
		if (n == -1)
			return done > 0 ? (int) done : -errno;
		done += (size_t) n;
		if ((size_t) n < piece)
			break;
	}
	return (int) done;
}

static int pt_statfs(const char *path, struct statvfs *st)
{
	PATH(p_path, path);
	return statvfs(p_path, st) == -1 ? -errno : 0;
}

static int pt_release(const char *path, struct fuse_file_info *fi)
{
	(void) path;
	close((int) fi->fh);
	return 0;
}

static int pt_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	(void) path;
	int r = datasync ? fdatasync((int) fi->fh) : fsync((int) fi->fh);
	return r == -1 ? -errno : 0;
}

static int pt_fallocate(const char *path, int mode, off_t offset, off_t length, struct fuse_file_info *fi)
{
	(void) path;
	return fallocate((int) fi->fh, mode, offset, length) == -1 ? -errno : 0;
}

static int pt_setxattr(const char *path, const char *name, const char *value, size_t size, int flags)
{
	PATH(p_path, path);
	return lsetxattr(p_path, name, value, size, flags) == -1 ? -errno : 0;
}

static int pt_getxattr(const char *path, const char *name, char *value, size_t size)
{
	PATH(p_path, path);
	ssize_t n = lgetxattr(p_path, name, value, size);
	return n == -1 ? -errno : (int) n;
}

static int pt_listxattr(const char *path, char *list, size_t size)
{
	PATH(p_path, path);
	ssize_t n = llistxattr(p_path, list, size);
	return n == -1 ? -errno : (int) n;
}

static int pt_removexattr(const char *path, const char *name)
{
	PATH(p_path, path);
	return lremovexattr(p_path, name) == -1 ? -errno : 0;
}

static const struct fuse_operations operations = {
	.init = init,
	.getattr = pt_getattr,
	.access = pt_access,
	.readlink = pt_readlink,
	.opendir = pt_opendir,
	.readdir = pt_readdir,
	.releasedir = pt_releasedir,
	.mknod = pt_mknod,
	.mkdir = pt_mkdir,
	.unlink = pt_unlink,
	.rmdir = pt_rmdir,
	.symlink = pt_symlink,
	.rename = pt_rename,
	.link = pt_link,
	.chmod = pt_chmod,
	.chown = pt_chown,
	.truncate = pt_truncate,
	.utimens = pt_utimens,
	.create = pt_create,
	.open = pt_open,
	.read = pt_read,
	.write = pt_write,
	.statfs = pt_statfs,
	.release = pt_release,
	.fsync = pt_fsync,
	.fallocate = pt_fallocate,
	.setxattr = pt_setxattr,
	.getxattr = pt_getxattr,
	.listxattr = pt_listxattr,
	.removexattr = pt_removexattr,
};

int main(int argc, char *argv[])
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s SOURCE MOUNTPOINT\n", argv[0]);
		return 2;
	}
	char mountpoint[PATH_MAX];
	if (realpath(argv[2], mountpoint) == NULL) {
		perror(argv[2]);
		return 1;
	}
	if (realpath(argv[1], source) == NULL) {
		perror(argv[1]);
		return 1;
	}
	source_length = strlen(source);
	if (source_length == 1)
		source_length = 0; /* SOURCE is /: "/" + "/a" would be "//a" */
	umask(0);
	char fsname[PATH_MAX + 32];
	snprintf(fsname, sizeof fsname, "fsname=%s,subtype=libfuse3", source);
	for (char *c = fsname + strlen("fsname="); *c != '\0' && c < fsname + strlen("fsname=") + strlen(source); c++)
		if (*c == ',')
			*c = '_'; /* a comma would split the mount options */
	char *args[] = { argv[0], "-f", "-o", fsname, mountpoint, NULL };
	return fuse_main(5, args, &operations, NULL);
}
