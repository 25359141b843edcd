package dev.flinkresilience.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The mass-loss guard (DESIGN.md §5.6): which sets of lost-looking nodes hold every loss back. */
class MassLossTest {

  @TestFactory
  Stream<DynamicTest> guard() {
    return Stream.of(
            row("nothing lost", nodes(3, 0, null), 0.5, false),
            row("one node of three lost: a real loss, acted on", nodes(3, 1, null), 0.5, false),
            row("two of three lost: more than half, hold", nodes(3, 2, null), 0.5, true),
            row(
                "three of three lost (API server frozen, seen late): hold",
                nodes(3, 3, null),
                0.5,
                true),
            row("two of four: exactly half is not more than half", nodes(4, 2, null), 0.5, false),
            row("one of one: a lone node is never a mass loss", nodes(1, 1, null), 0.5, false),
            row("two of two", nodes(2, 2, null), 0.5, true),
            row("fraction 0.8: three of four is not enough", nodes(4, 3, null), 0.8, false),
            row(
                "a whole zone of two lost among ten nodes: hold",
                concat(zone("z1", 2, 2), zone("z2", 4, 0), zone("z3", 4, 0)),
                0.5,
                true),
            row("half a zone lost: no", concat(zone("z1", 4, 2), zone("z2", 4, 0)), 0.5, false),
            row(
                "two of three, the second 16 s after the first (kill the JobManager's node, then"
                    + " its replacement's): separate losses",
                List.of(lost("a", 0), lost("b", 16), alive("c")),
                0.5,
                false),
            row(
                "two of three whose Leases stopped 10 s apart (a stalled control plane)",
                List.of(lost("a", 0), lost("b", 10), alive("c")),
                0.5,
                true),
            row(
                "three of five: two together and one long dead (3 of 5 would hold)",
                List.of(lost("old", -300), lost("a", 0), lost("b", 5), alive("c"), alive("d")),
                0.5,
                false),
            row(
                "three of four together, one long dead beside them",
                List.of(lost("old", -300), lost("a", 0), lost("b", 5), lost("c", 9), alive("d")),
                0.5,
                true),
            row(
                "a zone of one node lost: just that node, acted on",
                concat(zone("z1", 1, 1), zone("z2", 4, 0)),
                0.5,
                false))
        .map(Row::test);
  }

  private static List<MassLoss.Node> nodes(int total, int lost, String zone) {
    List<MassLoss.Node> all = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      all.add(new MassLoss.Node("node-" + zone + "-" + i, zone, i < lost));
    }
    return all;
  }

  private static final java.time.Instant T0 = java.time.Instant.parse("2026-01-01T00:00:00Z");

  private static MassLoss.Node lost(String name, int renewedAtSecond) {
    return new MassLoss.Node(name, null, true, T0.plusSeconds(renewedAtSecond));
  }

  private static MassLoss.Node alive(String name) {
    return new MassLoss.Node(name, null, false, T0.plusSeconds(60));
  }

  private static List<MassLoss.Node> zone(String zone, int total, int lost) {
    return nodes(total, lost, zone);
  }

  @SafeVarargs
  private static List<MassLoss.Node> concat(List<MassLoss.Node>... parts) {
    List<MassLoss.Node> all = new ArrayList<>();
    for (List<MassLoss.Node> p : parts) {
      all.addAll(p);
    }
    return all;
  }

  private static Row row(String name, List<MassLoss.Node> nodes, double fraction, boolean holds) {
    return new Row(name, nodes, fraction, holds);
  }

  private record Row(String name, List<MassLoss.Node> nodes, double fraction, boolean holds) {
    DynamicTest test() {
      return dynamicTest(
          name,
          () -> assertThat(MassLoss.judge(nodes, fraction).isPresent()).as(name).isEqualTo(holds));
    }
  }
}
