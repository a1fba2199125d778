/**
 * A passthrough file system: a host directory served through FUSE, inode for inode, on the model of libfuse's
 * {@code example/passthrough_hp.cc}. Internal to weft-fuse.
 *
 * <ul>
 *   <li>{@link dev.weft.fuse.passthrough.PassthroughFilesystem}: the FUSE handlers, and the design overview.</li>
 *   <li>{@link dev.weft.fuse.passthrough.PassthroughOptions}: cache timeouts.</li>
 *   <li>{@code InodeTable} and {@code Inode}: nodeids, lookup counts, the {@code O_PATH} descriptors.</li>
 *   <li>{@code DirHandle}: one open directory and its {@code getdents64} position.</li>
 *   <li>{@code CallerOwnership}: giving new nodes to the calling user.</li>
 *   <li>{@code StatxAttr}, {@code NativeArgs}, {@code Scratch}: statx to {@code fuse_attr}, request arguments made
 *       native, per-thread buffers.</li>
 * </ul>
 */
package dev.weft.fuse.passthrough;
