package dev.flinkresilience.local.node;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * The first class of every pod JVM: it ties the JVM's life to the emulator's, then runs the Flink
 * entrypoint the container names, in the same JVM. A real kubelet's containers die with their node;
 * here, if the process that runs the emulator is killed (a test runner killed mid-test, a ^C), its
 * Flink JVMs halt within a second instead of lingering on the machine.
 *
 * <p>Arguments: {@code <emulator pid> <main class> <args…>}.
 */
public final class PodMain {
  private PodMain() {}

  public static void main(String[] args) throws Exception {
    long parent = Long.parseLong(args[0]);
    Thread watchdog =
        new Thread(
            () -> {
              while (ProcessHandle.of(parent).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                  Thread.sleep(500);
                } catch (InterruptedException e) {
                  return;
                }
              }
              Runtime.getRuntime().halt(137);
            },
            "pod-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    Method main = Class.forName(args[1]).getMethod("main", String[].class);
    main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
  }
}
