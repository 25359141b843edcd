package dev.flinkresilience.local.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the sample job committed, checked for loss, duplicates and lost state. Only committed part
 * files count (the sink's in-progress files are hidden, named {@code .part-…}); each line is {@code
 * n,count}. The source emits 0, 1, 2, … from one subtask and one committer writes, so committed
 * numbers must be exactly {@code 0..highest}, each once, and {@code count == n / 4 + 1} (the keyed
 * count of key {@code n % 4}) unless keyed state was lost or doubled. {@code highestDuplicated} (-1
 * when none) tells a replay a user chose (from an older point) from a replay of new data.
 */
public record OutputCheck(
    long records,
    long distinct,
    long highest,
    long lost,
    long duplicated,
    long stateErrors,
    int files,
    long highestDuplicated) {

  public static OutputCheck read(Path dir) {
    if (!Files.isDirectory(dir)) {
      return of(List.of(), 0);
    }
    try (Stream<Path> list = Files.list(dir)) {
      List<Path> committed =
          list.filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .sorted()
              .toList();
      List<String> lines = new ArrayList<>();
      for (Path file : committed) {
        lines.addAll(Files.readAllLines(file));
      }
      return of(lines, committed.size());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static OutputCheck of(List<String> lines, int files) {
    Set<Long> seen = new HashSet<>();
    long highestDuplicated = -1;
    long records = 0;
    long highest = -1;
    long stateErrors = 0;
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.split(",");
      long n = Long.parseLong(parts[0].trim());
      long count = Long.parseLong(parts[1].trim());
      records++;
      if (!seen.add(n)) {
        highestDuplicated = Math.max(highestDuplicated, n);
      }
      highest = Math.max(highest, n);
      if (count != n / 4 + 1) {
        stateErrors++;
      }
    }
    long distinct = seen.size();
    return new OutputCheck(
        records,
        distinct,
        highest,
        highest + 1 - distinct,
        records - distinct,
        stateErrors,
        files,
        highestDuplicated);
  }
}
