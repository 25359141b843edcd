package dev.flinkresilience.local.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback TCP proxy between one client (the operator) and the API server, to cut that client's
 * connections without touching anyone else's: the nodes, the controllers and Flink keep talking to
 * the API server, and only the operator goes blind. The TLS session passes through untouched (the
 * API server's certificate names 127.0.0.1, the proxy's address too).
 *
 * <p>{@link #cut} closes every open connection at once (as a load balancer failover would) and then
 * refuses new ones for a while: the port is closed, so a connect fails at once with "connection
 * refused", then it is bound again.
 */
public final class ConnectionCutter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionCutter.class);
  private static final Pattern SERVER = Pattern.compile("(?m)^(\\s*server:\\s*)https://[^\\s]+$");

  private final InetSocketAddress target;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket listener;
  private volatile boolean closed;

  private ConnectionCutter(InetSocketAddress target) throws IOException {
    this.target = target;
    this.listener = bind(0);
    this.port = listener.getLocalPort();
    acceptInBackground(listener);
  }

  /** A proxy to {@code 127.0.0.1:targetPort}. */
  public static ConnectionCutter to(int targetPort) {
    try {
      return new ConnectionCutter(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The API server's port in a kubeconfig (its {@code server: https://127.0.0.1:PORT}). */
  public static int serverPort(Path kubeconfig) {
    try {
      var m =
          Pattern.compile("(?m)^\\s*server:\\s*https://127\\.0\\.0\\.1:(\\d+)\\s*$")
              .matcher(Files.readString(kubeconfig));
      if (!m.find()) {
        throw new IllegalArgumentException("no https://127.0.0.1:PORT server in " + kubeconfig);
      }
      return Integer.parseInt(m.group(1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A copy of {@code kubeconfig} that reaches the API server through this proxy. */
  public Path kubeconfig(Path kubeconfig, Path copy) {
    try {
      String text = Files.readString(kubeconfig, StandardCharsets.UTF_8);
      Files.writeString(copy, SERVER.matcher(text).replaceAll("$1https://127.0.0.1:" + port));
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  /**
   * Closes every open connection and refuses new ones for {@code refuseFor}; returns once the port
   * accepts again.
   */
  public void cut(Duration refuseFor) throws InterruptedException {
    try {
      listener.close();
    } catch (IOException e) {
      LOG.debug("closing the listener", e);
    }
    int dropped = open.size();
    open.forEach(ConnectionCutter::closeQuietly);
    open.clear();
    LOG.warn("cut {} connection(s); refusing new ones for {}", dropped, refuseFor);
    Thread.sleep(refuseFor.toMillis());
    try {
      listener = bind(port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind port " + port + " again", e);
    }
    acceptInBackground(listener);
    LOG.warn("accepting connections again on {}", port);
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return socket;
  }

  private void acceptInBackground(ServerSocket socket) {
    Thread acceptor = new Thread(() -> accept(socket), "cutter-accept-" + port);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void accept(ServerSocket socket) {
    while (!closed && !socket.isClosed()) {
      try {
        Socket client = socket.accept();
        Socket server = new Socket();
        try {
          server.connect(target, 5_000);
        } catch (IOException e) {
          closeQuietly(client);
          continue;
        }
        open.add(client);
        open.add(server);
        pump(client, server);
        pump(server, client);
      } catch (SocketException e) {
        return; // the listener was closed: a cut, or close()
      } catch (IOException e) {
        LOG.debug("accept failed", e);
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // a cut, or a side closed: fall through and close both
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "cutter-pump-" + port);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    open.forEach(ConnectionCutter::closeQuietly);
    open.clear();
  }

  private static void closeQuietly(ServerSocket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already gone
    }
  }
}
