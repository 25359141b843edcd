package dev.flinkresilience.operator.validate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Throws malformed and random custom resources at the validator. Whatever arrives, validate() must
 * return (never throw) and every violation must name a field under spec or metadata. Input that
 * Jackson cannot map onto the api classes never reaches the operator's validation, so it counts as
 * rejected; statistics make sure enough input does get through for the test to mean something.
 */
class SpecValidatorFuzzTest {
  @Property(tries = 2000, shrinking = ShrinkingMode.BOUNDED)
  void mutatedExampleNeverBreaksValidation(
      @ForAll("mutatedExamples") JsonNode document, @ForAll("nullEntry") int nullEntry) {
    Statistics.label("mutated").coverage(c -> c.check("validated").percentage(p -> p > 30));
    FlinkResilientJob job;
    try {
      job = DesignExampleTest.STRICT_YAML.treeToValue(document, FlinkResilientJob.class);
    } catch (JacksonException | IllegalArgumentException e) {
      Statistics.label("mutated").collect("rejected by Jackson");
      return;
    }
    addNullEntry(job, nullEntry);
    Statistics.label("mutated").collect("validated");
    checkValidation(job);
  }

  @Property(tries = 1500, shrinking = ShrinkingMode.BOUNDED)
  void randomYamlNeverBreaksValidation(@ForAll("yamlDocuments") String yaml) {
    Statistics.label("yaml").coverage(c -> c.check("validated").percentage(p -> p > 10));
    FlinkResilientJob job;
    try {
      job = DesignExampleTest.STRICT_YAML.readValue(yaml, FlinkResilientJob.class);
    } catch (JacksonException | IllegalArgumentException e) {
      Statistics.label("yaml").collect("rejected by Jackson");
      return;
    }
    if (job == null) { // an empty or "null" document
      Statistics.label("yaml").collect("rejected by Jackson");
      return;
    }
    Statistics.label("yaml").collect("validated");
    checkValidation(job);
  }

  private static void checkValidation(FlinkResilientJob job) {
    List<Violation> violations = SpecValidator.validate(job);

    assertThat(violations)
        .allSatisfy(
            v -> {
              assertThat(v.field()).matches("(spec|metadata)([.\\[].*)?");
              assertThat(v.field()).isNotEqualTo("metadata");
              assertThat(v.message()).isNotBlank();
            });
    // Pure: the same job gives the same answer.
    assertThat(SpecValidator.validate(job)).isEqualTo(violations);
    Statistics.label("outcome").collect(violations.isEmpty() ? "valid" : "invalid");
  }

  /**
   * 0: nothing; 1: a null key; 2: a null value, in flinkConfiguration (JSON cannot carry these).
   */
  @Provide
  Arbitrary<Integer> nullEntry() {
    return Arbitraries.frequency(Tuple.of(8, 0), Tuple.of(1, 1), Tuple.of(1, 2));
  }

  private static void addNullEntry(FlinkResilientJob job, int nullEntry) {
    if (nullEntry == 0 || job.getSpec() == null || job.getSpec().getFlinkConfiguration() == null) {
      return;
    }
    Map<String, String> configuration = job.getSpec().getFlinkConfiguration();
    if (nullEntry == 1) {
      configuration.put(null, "x");
    } else {
      configuration.put("pipeline.name", null);
    }
  }

  @Provide
  Arbitrary<JsonNode> mutatedExamples() {
    return FuzzedDocuments.mutatedExamples();
  }

  @Provide
  Arbitrary<String> yamlDocuments() {
    return FuzzedDocuments.yamlDocuments();
  }
}
