package dev.flinkresilience.operator.observe.ha;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.decide.HaStoreView;
import dev.flinkresilience.operator.testing.MovableClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reader's ZooKeeper clients are bounded, against an embedded ZooKeeper: an idle client is
 * closed (its connection leaves the server), and beyond the cap the least recently used one is.
 * Each distinct quorum string (here one server under different chroots) is a client of its own, as
 * a tenant cycling quorum strings would make.
 */
@Timeout(60)
class ZooKeeperClientCacheTest {
  private static final String JOB = "00000000000000000000000000000042";
  private static final Duration IDLE = Duration.ofMinutes(10);

  private final MovableClock clock = new MovableClock(Instant.parse("2026-11-21T12:00:00Z"));
  private TestingServer zookeeper;
  private ZooKeeperHaStoreReader reader;

  @BeforeEach
  void start() throws Exception {
    zookeeper = new TestingServer(true);
  }

  @AfterEach
  void stop() throws Exception {
    if (reader != null) {
      reader.close();
    }
    zookeeper.close();
  }

  @Test
  void aClientUnusedForTheIdleTimeIsClosedOnTheNextRead() throws Exception {
    reader = new ZooKeeperHaStoreReader(Duration.ofSeconds(5), IDLE, 256, clock);
    assertRead(quorum("a"));
    clock.advance(IDLE.minusMinutes(1));
    assertRead(quorum("b"));
    assertThat(reader.openClients()).isEqualTo(2);
    awaitServerConnections(2);

    clock.advance(Duration.ofMinutes(1)); // "a" unused for exactly the idle time, "b" for 1 minute
    assertRead(quorum("b"));

    assertThat(reader.openClients()).isEqualTo(1);
    awaitServerConnections(1);
    assertRead(quorum("a")); // a quorum that comes back gets a new client
    assertThat(reader.openClients()).isEqualTo(2);
  }

  @Test
  void aClientInUseIsKeptWhateverTheTime() throws Exception {
    reader = new ZooKeeperHaStoreReader(Duration.ofSeconds(5), IDLE, 256, clock);
    for (int i = 0; i < 5; i++) {
      assertRead(quorum("a"));
      clock.advance(IDLE.minusSeconds(1));
    }
    assertThat(reader.openClients()).isEqualTo(1);
    awaitServerConnections(1);
  }

  @Test
  void beyondTheCapTheLeastRecentlyUsedClientIsClosed() throws Exception {
    reader = new ZooKeeperHaStoreReader(Duration.ofSeconds(5), IDLE, 3, clock);
    for (String chroot : new String[] {"a", "b", "c"}) {
      assertRead(quorum(chroot));
    }
    assertRead(quorum("a")); // "b" is now the least recently used
    assertRead(quorum("d"));
    assertThat(reader.openClients()).isEqualTo(3);
    awaitServerConnections(3);

    // Dozens of quorum strings later the operator still holds three connections.
    for (int i = 0; i < 30; i++) {
      assertRead(quorum("cycle-" + i));
    }
    assertThat(reader.openClients()).isEqualTo(3);
    awaitServerConnections(3);
  }

  @Test
  void closeClosesEveryClient() throws Exception {
    reader = new ZooKeeperHaStoreReader(Duration.ofSeconds(5), IDLE, 256, clock);
    assertRead(quorum("a"));
    assertRead(quorum("b"));
    reader.close();
    assertThat(reader.openClients()).isZero();
    awaitServerConnections(0);
  }

  private String quorum(String chroot) {
    return zookeeper.getConnectString() + "/" + chroot;
  }

  private void assertRead(String quorum) {
    HaStoreView view = reader.read(quorum, "/flink", "/streaming/orders", JOB, "s3://b/cp");
    assertThat(view.state()).as(view.problem()).isEqualTo(HaStoreView.State.READ);
  }

  /** The server's own count of client connections, from its {@code srvr} command. */
  private void awaitServerConnections(int expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int seen;
    while ((seen = serverConnections()) != expected && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(seen).as("connections the ZooKeeper server sees").isEqualTo(expected);
  }

  private int serverConnections() throws IOException {
    String answer;
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), zookeeper.getPort())) {
      OutputStream out = s.getOutputStream();
      out.write("srvr".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      try (InputStream in = s.getInputStream()) {
        answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      }
    }
    Matcher m = Pattern.compile("Connections: (\\d+)").matcher(answer);
    if (!m.find()) {
      throw new AssertionError("no connection count in the server's answer: " + answer);
    }
    // The srvr command's own connection is counted too.
    return Integer.parseInt(m.group(1)) - 1;
  }
}
