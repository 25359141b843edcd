# syntax=docker/dockerfile:1
# The operator image: built from source in a Maven/JDK 17 stage, run on a JRE 17 base as a non-root
# numeric user. The version lives in pom.xml only: the jar carries it (Implementation-Version) and
# the label takes it from the VERSION build argument, which e2e/build-image.sh reads from the pom.
# DockerfileTest checks these rules in the normal build (no Docker engine is needed for that).

ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

FROM ${BUILD_IMAGE} AS build
# Extra Maven flags. e2e/build-image.sh --debian passes "-o -Dmaven.repo.local=/host-m2" with the
# host's Maven repository mounted there read-only: the build then needs no network.
ARG MAVEN_FLAGS=
WORKDIR /src
# POMs first, so the dependency layer is reused while only sources change. The operator is built
# from its own POM (-f operator/pom.xml), which reads the parent POM as its parent only: the
# parent's other modules (sample-job, local-cluster) need not be in the build context.
COPY pom.xml ./
COPY operator/pom.xml operator/
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -q ${MAVEN_FLAGS} -f operator/pom.xml dependency:resolve -DincludeScope=runtime
COPY crds/ crds/
COPY operator/src/ operator/src/
# Tests run in CI (.ci/run); the image build only packages (-Dmaven.test.skip: the tests are not
# even compiled). The shaded jar is operator/target/flink-resilience-operator.jar (finalName in
# operator/pom.xml).
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -q ${MAVEN_FLAGS} -f operator/pom.xml package -DskipTests -Dmaven.test.skip=true \
      -Dspotless.check.skip=true -Dspotless.apply.skip=true

FROM ${RUNTIME_IMAGE}
ARG VERSION=unknown
LABEL org.opencontainers.image.title="flink-resilience-operator" \
      org.opencontainers.image.description="Keeps Apache Flink streaming jobs alive on Kubernetes" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=build --chown=0:0 /src/operator/target/flink-resilience-operator.jar /opt/operator/flink-resilience-operator.jar
# Flink's S3 file system (flink-s3-fs-presto, about 95 MB) as a plugin: the operator reads s3://
# checkpoint storage through it, as the JobManagers write it (docs/recovery.md). The build stage's
# Maven put it there (operator/pom.xml, execution flink-s3-plugin); gs:// or abfs:// plugins go
# beside it in an image built FROM this one.
COPY --from=build --chown=0:0 /src/operator/target/flink-plugins/ /opt/flink/plugins/
# Read-only root filesystem: the only writable place is /tmp (an emptyDir in the chart), where the
# operator writes Flink's log4j conf dir once and Flink's factory its pod-template files.
# -XX:-UsePerfData: no hsperfdata files. MaxRAMPercentage: the heap follows the container limit,
# and leaves 45 % of it to the rest of the process (metaspace, code, threads, GC, buffers: about
# 300 MiB at 5,000 jobs in the scale benchmark, which runs the operator with these options in the
# chart's limit, plus 80 MiB for the benchmark's own JFR recording). At 75 % the chart's 1Gi held
# a 768 MiB heap, which a busy operator grows to: with the rest, past the limit; at 60 % the
# benchmark's peak came within 40 MiB of it. G1 named: in a container under 1792 MiB the JVM would
# pick the serial collector, whose full collections pause every pass.
ENV HOME=/tmp \
    FLINK_PLUGINS_DIR=/opt/flink/plugins \
    JAVA_TOOL_OPTIONS="-XX:+UseG1GC -XX:MaxRAMPercentage=55 -XX:-UsePerfData -Djava.io.tmpdir=/tmp"
# Numeric, so Kubernetes can verify runAsNonRoot without an /etc/passwd entry.
USER 10001:10001
WORKDIR /tmp
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/opt/operator/flink-resilience-operator.jar"]
CMD ["run"]
