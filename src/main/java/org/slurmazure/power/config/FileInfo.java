package org.slurmazure.power.config;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What {@link FileChecks} found out about a path. Never holds a file's content.
 *
 * @param path        the path inspected
 * @param kind        what is there
 * @param permissions the POSIX permission bits, empty when unknown (not a POSIX file system, or not inspectable)
 * @param owner       the owner's name, if known
 * @param size        the size in bytes (files), or -1
 * @param readable    readable by the user running the check
 * @param executable  executable by the user running the check
 * @param error       why the path could not be inspected ({@link Kind#INACCESSIBLE}), else empty
 */
public record FileInfo(
        Path path,
        Kind kind,
        Optional<Set<PosixFilePermission>> permissions,
        Optional<String> owner,
        long size,
        boolean readable,
        boolean writable,
        boolean executable,
        Optional<String> error) {

    public enum Kind {
        MISSING,
        FILE,
        DIRECTORY,
        OTHER,
        INACCESSIBLE
    }

    public FileInfo {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(kind, "kind");
        permissions = permissions.map(p -> p.isEmpty() ? Set.<PosixFilePermission>of() : Set.copyOf(EnumSet.copyOf(p)));
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(error, "error");
    }

    public static FileInfo missing(Path path) {
        return new FileInfo(
                path, Kind.MISSING, Optional.empty(), Optional.empty(), -1, false, false, false, Optional.empty());
    }

    public static FileInfo inaccessible(Path path, String why) {
        return new FileInfo(
                path, Kind.INACCESSIBLE, Optional.empty(), Optional.empty(), -1, false, false, false, Optional.of(why));
    }

    public boolean exists() {
        return kind == Kind.FILE || kind == Kind.DIRECTORY || kind == Kind.OTHER;
    }

    /** True when group or others have any permission on it (unknown permissions count as not). */
    public boolean accessibleByGroupOrOthers() {
        return permissions
                .map(p -> p.contains(PosixFilePermission.GROUP_READ)
                        || p.contains(PosixFilePermission.GROUP_WRITE)
                        || p.contains(PosixFilePermission.GROUP_EXECUTE)
                        || p.contains(PosixFilePermission.OTHERS_READ)
                        || p.contains(PosixFilePermission.OTHERS_WRITE)
                        || p.contains(PosixFilePermission.OTHERS_EXECUTE))
                .orElse(false);
    }

    /** The octal mode, e.g. {@code 0600}, or empty when unknown. */
    public Optional<String> octalMode() {
        return permissions.map(FileInfo::octal);
    }

    /** The symbolic mode, e.g. {@code rw-------}, or empty when unknown. */
    public Optional<String> symbolicMode() {
        return permissions.map(PosixFilePermissions::toString);
    }

    @SuppressWarnings("EnumOrdinal") // PosixFilePermission's order is documented: OWNER_READ ... OTHERS_EXECUTE
    static String octal(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", mode);
    }
}
