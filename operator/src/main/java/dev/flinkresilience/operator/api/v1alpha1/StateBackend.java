package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Flink state backend. */
public enum StateBackend {
  @JsonProperty("hashmap")
  HASHMAP("hashmap"),
  @JsonProperty("rocksdb")
  ROCKSDB("rocksdb");

  private final String value;

  StateBackend(String value) {
    this.value = value;
  }

  /** The spelling used in the custom resource. */
  public String value() {
    return value;
  }

  @Override
  public String toString() {
    return value;
  }
}
