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
   * How many objects the informers that keep a LeanStore list per request. A list is one response
   * otherwise: at 5,000 jobs, 46 MB of FlinkResilientJobs, which the API server of the scale
   * benchmark, busy with everything else, did not send within the client's 10 s, so a watch that
   * had to start over (the API server ends every watch within the hour) failed to relist again and
   * again while the cache went stale. A page of 500 is a tenth of that.
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
