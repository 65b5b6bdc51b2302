package org.slurmazure.power.power;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One lock file per node under {@code <stateDir>/locks}, so that a resume and a suspend of the same node never
 * interleave, even across processes (slurmctld does not cap how many programs run at once). The files are never
 * deleted: deleting a lock file races with another process opening it.
 */
public final class NodeLocks {
    private final Path dir;

    public NodeLocks(Path stateDir) throws IOException {
        this.dir = stateDir.resolve("locks");
        Files.createDirectories(dir);
        if (!Files.isWritable(dir)) {
            throw new IOException("cannot write lock files in " + dir);
        }
    }

    /** Takes the node's lock without waiting; null when another process (or this one) holds it. */
    public Held tryLock(String node) throws IOException {
        FileChannel channel = FileChannel.open(dir.resolve(node + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
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
