package dev.flinkresilience.operator.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import java.util.List;
import java.util.function.Consumer;

/** Rows of the table-driven tests: one change to the valid baseline and what it must lead to. */
final class ValidationCases {
  private ValidationCases() {}

  /**
   * A change that must be reported at exactly {@code field}, with a message containing {@code
   * says}.
   */
  record Rejected(String name, Consumer<FlinkResilientJob> mutation, String field, String says) {
    void assertReported() {
      FlinkResilientJob job = ValidJob.baseline();
      mutation.accept(job);

      List<Violation> violations = SpecValidator.validate(job);

      assertThat(violations).extracting(Violation::field).containsExactly(field);
      Violation violation = violations.get(0);
      assertThat(violation.message())
          .contains(says)
          .doesNotContain("Exception")
          .doesNotContainPattern("\\b(java|io\\.fabric8|com\\.fasterxml)\\.");
      assertThat(violation).hasToString(field + ": " + violation.message());
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A change that keeps the job valid: guards the rules against being too strict. */
  record Accepted(String name, Consumer<FlinkResilientJobSpec> mutation) {
    void assertAccepted() {
      assertThat(SpecValidator.validate(ValidJob.withSpec(mutation))).isEmpty();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * An upper bound: {@code at} (the bound itself) keeps the job valid, {@code over} (just past it)
   * must be reported at {@code field} with a message containing {@code says}.
   */
  record Bound(
      String name,
      Consumer<FlinkResilientJobSpec> at,
      Consumer<FlinkResilientJobSpec> over,
      String field,
      String says) {
    Accepted accepted() {
      return new Accepted(name + " at the bound", at);
    }

    Rejected rejected() {
      return spec(name + " just over the bound", over, field, says);
    }
  }

  static Bound bound(
      String name,
      Consumer<FlinkResilientJobSpec> at,
      Consumer<FlinkResilientJobSpec> over,
      String field,
      String says) {
    return new Bound(name, at, over, field, says);
  }

  static Rejected job(
      String name, Consumer<FlinkResilientJob> mutation, String field, String says) {
    return new Rejected(name, mutation, field, says);
  }

  static Rejected spec(
      String name, Consumer<FlinkResilientJobSpec> mutation, String field, String says) {
    return new Rejected(name, j -> mutation.accept(j.getSpec()), field, says);
  }

  static Accepted accepted(String name, Consumer<FlinkResilientJobSpec> mutation) {
    return new Accepted(name, mutation);
  }
}
