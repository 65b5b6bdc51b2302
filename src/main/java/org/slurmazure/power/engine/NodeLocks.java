package org.slurmazure.power.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;

import org.jspecify.annotations.Nullable;

/**
 * One lock file per node under {@code <stateDir>/locks}, so that a resume and a suspend of the same node never
 * interleave, even across processes (slurmctld does not cap how many programs run at once). The files are never
 * deleted: deleting a lock file races with another process opening it. A file root creates (an admin's hand run)
 * is given to the owner of the state directory, so that SlurmUser can still open it on the next run.
 */
public final class NodeLocks {
    private final Path dir;
    /** When running as root: who owns the state directory, and so every file made in it. */
    private final @Nullable UserPrincipal owner;

    public NodeLocks(Path stateDir) throws IOException {
        this.dir = stateDir.resolve("locks");
        boolean existed = Files.isDirectory(dir);
        Files.createDirectories(dir);
        if (!Files.isWritable(dir)) {
            throw new IOException("cannot write lock files in " + dir);
        }
        this.owner = "root".equals(System.getProperty("user.name")) ? Files.getOwner(stateDir) : null;
        if (!existed) {
            giveAway(dir);
        }
    }

    /** Takes the node's lock without waiting; null when another process (or this one) holds it. */
    public @Nullable Held tryLock(String node) throws IOException {
        Path file = dir.resolve(node + ".lock");
        boolean existed = owner == null || Files.exists(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (!existed) {
            giveAway(file);
        }
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return null;
            }
            return new Held(channel);
        } catch (OverlappingFileLockException held) {
            channel.close();
            return null;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    private void giveAway(Path path) {
        if (owner == null) {
            return;
        }
        try {
            if (!owner.equals(Files.getOwner(path))) {
                Files.setOwner(path, owner);
            }
        } catch (IOException e) {
            // best effort: a later run as SlurmUser names the file in its "cannot take the node's lock" line
        }
    }

    /** A held lock; closing it releases the lock. */
    public static final class Held implements AutoCloseable {
        private final FileChannel channel;

        private Held(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the lock goes with the channel, closed or not
            }
        }
    }
}
