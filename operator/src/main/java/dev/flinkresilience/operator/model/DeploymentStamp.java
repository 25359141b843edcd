package dev.flinkresilience.operator.model;

/**
 * Identifies one deployment of a job: the spec generation and hash it was made from, the operator's
 * deployment serial and the fixed Flink job id derived from it. Stamped on the JobManager
 * Deployment and recorded in status.
 */
public record DeploymentStamp(long generation, String specHash, long serial, String jobId) {}
