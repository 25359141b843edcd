package dev.flinkresilience.operator.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.validate.TenantPolicy.ServiceAccountRef;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which service account a job may name, under which policy. The job is in namespace "team-a". */
class ServiceAccountRulesTest {
  private static final TenantPolicy OPERATOR_IN_TEAM_A =
      TenantPolicy.DEFAULT.withOperatorAccount(new ServiceAccountRef("team-a", "fro-operator"));
  private static final TenantPolicy OPERATOR_ELSEWHERE =
      TenantPolicy.DEFAULT.withOperatorAccount(
          new ServiceAccountRef("flink-operator", "fro-operator"));
  private static final TenantPolicy ALLOW_FLINK_STAR =
      OPERATOR_IN_TEAM_A.withAllowedServiceAccounts(List.of("flink-*", "team-b/special"));
  private static final TenantPolicy ALLOW_NAMESPACED =
      TenantPolicy.DEFAULT.withAllowedServiceAccounts(List.of("team-a/*"));

  static Stream<Arguments> rows() {
    return Stream.of(
        // policy, spec.serviceAccount, null when accepted or what the message must say
        row(TenantPolicy.DEFAULT, "", null),
        row(TenantPolicy.DEFAULT, "any-account", null),
        row(TenantPolicy.DEFAULT, "Not_A_Name", "DNS-1123 subdomain"),
        row(OPERATOR_IN_TEAM_A, "fro-operator", "must not be the operator's own service account"),
        row(OPERATOR_IN_TEAM_A, "", null),
        // A pod can only use an account of its own namespace: the same name elsewhere is another.
        row(OPERATOR_ELSEWHERE, "fro-operator", null),
        row(ALLOW_FLINK_STAR, "flink-jobs", null),
        row(ALLOW_FLINK_STAR, "flink-x", null),
        row(ALLOW_FLINK_STAR, "default", "is not among the service accounts"),
        row(ALLOW_FLINK_STAR, "xflink-jobs", "is not among the service accounts"),
        row(ALLOW_FLINK_STAR, "special", "is not among the service accounts"),
        // The operator's own account is refused even where a pattern would allow it.
        row(
            OPERATOR_IN_TEAM_A.withAllowedServiceAccounts(List.of("*")),
            "fro-operator",
            "operator's own"),
        row(ALLOW_FLINK_STAR, "", null),
        row(ALLOW_NAMESPACED, "whatever", null),
        row(
            TenantPolicy.DEFAULT.withAllowedServiceAccounts(List.of("team-b/*")),
            "whatever",
            "team-b/*"));
  }

  @ParameterizedTest(name = "{0}: serviceAccount ''{1}''")
  @MethodSource("rows")
  void serviceAccount(TenantPolicy policy, String account, String says) {
    FlinkResilientJob job = ValidJob.baseline();
    job.getMetadata().setNamespace("team-a");
    job.getSpec().setServiceAccount(account);

    List<Violation> violations = SpecValidator.validate(job, policy);

    if (says == null) {
      assertThat(violations).isEmpty();
    } else {
      assertThat(violations).extracting(Violation::field).containsExactly("spec.serviceAccount");
      assertThat(violations.get(0).message()).contains(says);
    }
  }

  private static Arguments row(TenantPolicy policy, String account, String says) {
    return Arguments.of(policy, account, says);
  }
}
