package dev.flinkresilience.operator.observe;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * An informer store that drops {@code metadata.managedFields} from what it keeps. The operator
 * never reads them, and they are much of a cached object: one entry per writer (the operator, the
 * controllers, the kubelet), each a tree of small maps, on every Pod, Deployment, ConfigMap and
 * FlinkResilientJob of every job. The object is trimmed as the informer stores it, before any
 * handler sees it; the rest is kept whole, so reads cost nothing (unlike a store that keeps only
 * some fields and rebuilds the object through JSON on every read).
 */
public final class LeanStore<R extends HasMetadata> extends BasicItemStore<R> {
  /**
   * How many objects the informers that keep a LeanStore list per request. Unpaged, a list is one
   * answer, built whole in the API server's memory and read whole into the operator's: at 5,000
   * jobs, 46 MB of FlinkResilientJobs. Paged, each answer is a tenth of that, at the cost of
   * reading from etcd rather than the API server's watch cache (fabric8 sends no {@code
   * resourceVersion=0} with a limit). It did not stop the relists from timing out at 5,000 jobs on
   * the saturated benchmark machine (four failures in the paged run, three unpaged).
   */
  public static final long LIST_PAGE = 500L;

  public LeanStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public R put(String key, R obj) {
    if (obj.getMetadata() != null) {
      obj.getMetadata().setManagedFields(null);
    }
    return super.put(key, obj);
  }
}
