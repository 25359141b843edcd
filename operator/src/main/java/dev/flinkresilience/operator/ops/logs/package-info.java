/**
 * The operator's log output: slf4j-simple's plain text (the default), or one JSON object a line
 * ({@code --log-format json}) carrying the MDC, so that every line about a job has its {@code
 * namespace}, {@code name} and, during an incident, {@code incidentId}.
 *
 * <p>slf4j-simple prints neither the MDC nor JSON, and the operator takes no second logging library
 * for it: {@link OperatorLogProvider} is an SLF4J provider that keeps slf4j-simple for text and its
 * levels ({@code org.slf4j.simpleLogger.*}) and writes JSON itself. {@code Main} selects it ({@code
 * slf4j.provider}) before anything logs; where nothing selects it (the local cluster's in-process
 * operator, the Flink pods on the same classpath) slf4j-simple is the only provider found, as
 * before.
 */
package dev.flinkresilience.operator.ops.logs;
