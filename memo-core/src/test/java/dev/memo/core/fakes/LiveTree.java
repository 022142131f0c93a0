package dev.memo.core.fakes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Lists the files of a folder tree that others are changing while it is listed: memo's sweeper
 * deleting entries, explain's records written behind the call, a child process publishing entries.
 * {@link Files#walk} fails when a file it has listed is gone before it reads the file's attributes;
 * here a file renamed or deleted meanwhile is simply not there.
 */
public final class LiveTree {
  private LiveTree() {}

  /**
   * Returns the files below {@code root} (links not followed) whose paths {@code which} accepts.
   *
   * @param root the folder; absent means no files
   * @param which which files to return
   * @return the files found, in the order met
   * @throws UncheckedIOException if the tree cannot be read for any reason but a file vanishing
   */
  public static List<Path> files(Path root, Predicate<Path> which) {
    List<Path> found = new ArrayList<>();
    if (!Files.exists(root)) {
      return found;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
              if (which.test(file)) {
                found.add(file);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
              }
              throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path folder, IOException e)
                throws IOException {
              if (e == null || e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
              }
              throw e;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }
}
