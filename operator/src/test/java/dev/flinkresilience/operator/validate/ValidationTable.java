package dev.flinkresilience.operator.validate;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.flinkresilience.operator.validate.ValidationCases.Accepted;
import dev.flinkresilience.operator.validate.ValidationCases.Rejected;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A table-driven validation test: a section lists its rows, this runs them. Every rejected row must
 * be reported at exactly its field; every accepted row must stay valid.
 */
abstract class ValidationTable {

  /** Changes to the valid baseline that must be rejected. */
  abstract Stream<Rejected> rejectedRows();

  /** Changes that must stay valid: guards the rules against being too strict. */
  abstract Stream<Accepted> acceptedRows();

  @TestFactory
  Stream<DynamicTest> rejects() {
    return rejectedRows().map(c -> dynamicTest(c.name(), c::assertReported));
  }

  @TestFactory
  Stream<DynamicTest> accepts() {
    return acceptedRows().map(c -> dynamicTest(c.name(), c::assertAccepted));
  }
}
