/**
 * The FUSE wire protocol, version 7.45, as read from and written to {@code /dev/fuse}, without libfuse.
 *
 * <ul>
 *   <li>{@link dev.weft.fuse.proto.FuseKernelLayout}: the kernel structs as FFM layouts and the header's constants,
 *       with the header version they are quoted from; the only place byte offsets come from.</li>
 *   <li>{@link dev.weft.fuse.proto.FuseOpcode}: request opcodes and the shape of each request body.</li>
 *   <li>{@link dev.weft.fuse.proto.FuseRequest}: decodes and validates one request (fixed struct, names, payload,
 *       extensions); {@link dev.weft.fuse.proto.FuseProtocolException} is how it rejects one.</li>
 *   <li>{@link dev.weft.fuse.proto.FuseReplyEncoder}: writes reply headers and directory records.</li>
 *   <li>{@link dev.weft.fuse.proto.LinuxErrno}: the errno values replies carry and the device returns.</li>
 * </ul>
 *
 * <p>The protocol is negotiated once, in INIT: the kernel offers a minor version and flags, the server answers with
 * its own, and both use the smaller minor. What INIT settled can change a request's shape
 * ({@code FUSE_SETXATTR_EXT}) or add to it (request extensions); the decoder takes the negotiated flags for that.
 */
package dev.weft.fuse.proto;
