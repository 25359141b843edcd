#!/usr/bin/env bash
# Records Flink REST answers for one Flink version into the operator's test resources.
# Usage: ./record.sh 1.20.1   (or 2.0.0, 2.3.0; any version whose artifacts Maven can fetch)
set -euo pipefail
cd "$(dirname "$0")"
version="${1:?Flink version, e.g. 1.20.1}"
out="../../operator/src/test/resources/flink-rest"
# A plain forked JVM with the version's classpath: no exec plugin needed, works offline (-o)
# once the artifacts are in ~/.m2.
mvn -q ${MVN_OPTS:-} -Dflink.version="$version" compile dependency:build-classpath \
  -Dmdep.outputFile=target/classpath-"$version".txt
java -cp "target/classes:$(cat target/classpath-"$version".txt)" \
  dev.flinkresilience.recorder.RecordFlinkRest "$out"
