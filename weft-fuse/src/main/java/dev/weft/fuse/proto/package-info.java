/**
 * The FUSE wire protocol as read from and written to {@code /dev/fuse}, without libfuse.
 *
 * <ul>
 *   <li>{@link dev.weft.fuse.proto.FuseKernelLayout}: the kernel structs as FFM layouts and the header's constants;
 *       the only place byte offsets come from.</li>
 *   <li>{@link dev.weft.fuse.proto.FuseOpcode}: request opcodes and the shape of each request body.</li>
 *   <li>{@link dev.weft.fuse.proto.FuseRequest}: decodes and validates one request.</li>
 *   <li>{@link dev.weft.fuse.proto.FuseReplyEncoder}: writes reply headers and directory records.</li>
 * </ul>
 */
package dev.weft.fuse.proto;
