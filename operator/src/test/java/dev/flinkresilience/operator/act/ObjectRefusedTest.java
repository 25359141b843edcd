package dev.flinkresilience.operator.act;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which failures of an apply are the server's refusal, reported on the job, and which are passing.
 */
class ObjectRefusedTest {

  @ParameterizedTest(name = "HTTP {0}: refusal {1}")
  @CsvSource({
    "0, false", // no answer: the API server away, JOSDK retries
    "400, true", // bad request: a field the server rejects
    "403, true", // a quota, RBAC, an admission policy
    "404, true", // a namespace deleted under the job
    "409, false", // a conflict: read afresh next pass
    "422, true", // invalid
    "429, false", // too many requests: busy
    "500, true", // e.g. failed to allocate a serviceIP: range is full
    "503, false", // unavailable: busy
  })
  void isTheServersRefusal(int code, boolean refusal) {
    assertThat(ObjectRefused.isRefusal(new KubernetesClientException("x", code, null)))
        .isEqualTo(refusal);
  }
}
