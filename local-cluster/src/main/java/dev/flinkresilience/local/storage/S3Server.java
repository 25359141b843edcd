package dev.flinkresilience.local.storage;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local cluster's S3 (DESIGN.md §7): S3Proxy in this JVM on jclouds' {@code filesystem}
 * backend, so a bucket is a directory of the run and an object a file in it ({@link
 * StorageLayout}). It listens on 127.0.0.1 only, on a free port, and takes one access key pair made
 * for this run; one bucket, {@value #BUCKET}, exists from the start.
 */
public final class S3Server implements AutoCloseable {
  public static final String BUCKET = "flink";
  private static final Logger LOG = LoggerFactory.getLogger(S3Server.class);

  private final BlobStoreContext context;
  private final S3Proxy proxy;
  private final Path bucketDir;
  private final String accessKey;
  private final String secretKey;
  private final Path operatorConfig;
  private final String host;

  private S3Server(
      BlobStoreContext context,
      S3Proxy proxy,
      Path bucketDir,
      String accessKey,
      String secretKey,
      Path operatorConfig,
      String host) {
    this.host = host;
    this.context = context;
    this.proxy = proxy;
    this.bucketDir = bucketDir;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.operatorConfig = operatorConfig;
  }

  /** Starts it with its objects under {@code dir}/{@value #BUCKET}, on 127.0.0.1. */
  public static S3Server start(Path dir) {
    return start(dir, "127.0.0.1");
  }

  /**
   * As above, listening on {@code host} (an address of this machine): the real nodes' pods reach
   * the host only on the nodes' bridge address (10.200.0.1), which this machine reaches too.
   */
  public static S3Server start(Path dir, String host) {
    SecureRandom random = new SecureRandom();
    String accessKey = "fro-" + hex(random, 8);
    String secretKey = hex(random, 20);
    BlobStoreContext context = null;
    try {
      Files.createDirectories(dir);
      Properties properties = new Properties();
      properties.setProperty("jclouds.filesystem.basedir", dir.toString());
      context =
          ContextBuilder.newBuilder("filesystem")
              .overrides(properties)
              .buildView(BlobStoreContext.class);
      context.getBlobStore().createContainerInLocation(null, BUCKET);
      S3Proxy proxy =
          S3Proxy.builder()
              .blobStore(context.getBlobStore())
              .endpoint(URI.create("http://" + host + ":0"))
              .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
              .build();
      proxy.start();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("S3Proxy did not start within 30 s: " + proxy.getState());
        }
        Thread.sleep(10);
      }
      Path bucketDir = dir.resolve(BUCKET).toAbsolutePath().normalize();
      // Beside the bucket, not in it: the operator's own storage configuration (as the chart
      // mounts it from a Secret).
      Path operatorConfig = dir.resolveSibling("operator-storage.yaml");
      S3Server server =
          new S3Server(context, proxy, bucketDir, accessKey, secretKey, operatorConfig, host);
      Files.writeString(operatorConfig, server.yaml());
      LOG.info("S3 (S3Proxy, filesystem backend in {}): {}", dir, server.endpoint());
      return server;
    } catch (Exception e) {
      if (context != null) {
        context.close();
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("S3Proxy did not start: " + e, e);
    }
  }

  /**
   * The Flink plugins directory the build laid out ({@code local-cluster/target/flink-plugins},
   * {@code s3-fs-presto/flink-s3-fs-presto-*.jar}; {@code -Dfro.flink-plugins} names another), if
   * it exists: the pods' {@code FLINK_PLUGINS_DIR} and the local operator's {@code --plugins-dir}.
   */
  public static Optional<Path> plugins(Path repo) {
    Path dir =
        Path.of(
            System.getProperty(
                "fro.flink-plugins",
                repo.resolve("local-cluster/target/flink-plugins").toString()));
    return Files.isDirectory(dir) ? Optional.of(dir.toAbsolutePath()) : Optional.empty();
  }

  private static String hex(SecureRandom random, int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  public URI endpoint() {
    return URI.create("http://" + host + ":" + proxy.getPort());
  }

  public String bucket() {
    return BUCKET;
  }

  /** Where the bucket's objects are, as files. */
  public Path bucketDir() {
    return bucketDir;
  }

  /** What Flink's S3 file system needs to reach this server: endpoint, path style, the keys. */
  public Map<String, String> flinkConfiguration() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("s3.endpoint", endpoint().toString());
    c.put("s3.path.style.access", "true");
    c.put("s3.access-key", accessKey);
    c.put("s3.secret-key", secretKey);
    return c;
  }

  /** Jobs' storage in this server's bucket. */
  public StorageLayout layout() {
    return new StorageLayout(BUCKET, bucketDir, flinkConfiguration());
  }

  /** The operator's storage configuration file ({@code --storage-config}) for this server. */
  public Path operatorConfig() {
    return operatorConfig;
  }

  private String yaml() {
    StringBuilder y = new StringBuilder("# The local cluster's S3 (S3Proxy), for the operator.\n");
    flinkConfiguration().forEach((k, v) -> y.append(k).append(": \"").append(v).append("\"\n"));
    return y.toString();
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      LOG.warn("stopping S3Proxy: {}", e.toString());
    } finally {
      context.close();
    }
  }
}
