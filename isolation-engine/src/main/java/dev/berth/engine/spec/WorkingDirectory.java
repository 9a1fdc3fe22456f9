package dev.berth.engine.spec;

import dev.berth.engine.image.ResolvedImage;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.Optional;

/**
 * The job's working directory is scratch: inside /tmp, or a tmpfs of its own mounted over a
 * directory the image provides. The read-only image cannot grow a mount point, so that directory
 * has to exist in it.
 */
public final class WorkingDirectory {

    private WorkingDirectory() {
    }

    public static boolean isScratch(String workingDir) {
        return workingDir.equals("/tmp") || workingDir.startsWith("/tmp/");
    }

    /** Why the working directory cannot be used with this image, if it cannot. */
    public static Optional<String> problem(String workingDir, ResolvedImage image) {
        if (isScratch(workingDir) || Files.isDirectory(image.rootfs().resolve(workingDir.substring(1)), LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of("working directory " + workingDir + " does not exist in image " + image.reference()
                + ": use /tmp or a directory under it, or a directory the image contains");
    }
}
