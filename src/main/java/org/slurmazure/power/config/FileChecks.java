package org.slurmazure.power.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Optional;

/**
 * How the loader looks at the files a configuration names (credential files, CA certificates, scontrol, ...): the
 * only I/O of validation besides reading the configuration itself, injected so tests can control it.
 */
@FunctionalInterface
public interface FileChecks {

    /** What is at this path (following symbolic links). Never throws for I/O problems: they become the result. */
    FileInfo inspect(Path path);

    /** The real file system, with POSIX permissions where the file system has them. */
    static FileChecks system() {
        return FileChecks::inspectSystem;
    }

    private static FileInfo inspectSystem(Path path) {
        try {
            BasicFileAttributes basic;
            Optional<PosixFileAttributes> posix;
            try {
                PosixFileAttributes attrs = Files.readAttributes(path, PosixFileAttributes.class);
                basic = attrs;
                posix = Optional.of(attrs);
            } catch (UnsupportedOperationException e) {
                basic = Files.readAttributes(path, BasicFileAttributes.class);
                posix = Optional.empty();
            }
            FileInfo.Kind kind = basic.isRegularFile()
                    ? FileInfo.Kind.FILE
                    : basic.isDirectory() ? FileInfo.Kind.DIRECTORY : FileInfo.Kind.OTHER;
            return new FileInfo(
                    path,
                    kind,
                    posix.map(PosixFileAttributes::permissions),
                    posix.map(a -> a.owner().getName()),
                    basic.isRegularFile() ? basic.size() : -1,
                    Files.isReadable(path),
                    Files.isWritable(path),
                    Files.isExecutable(path),
                    Optional.empty());
        } catch (NoSuchFileException | NotDirectoryException e) {
            return FileInfo.missing(path);
        } catch (AccessDeniedException e) {
            return FileInfo.inaccessible(path, "permission denied");
        } catch (IOException | SecurityException e) {
            return FileInfo.inaccessible(path, String.valueOf(e.getMessage()));
        }
    }
}
