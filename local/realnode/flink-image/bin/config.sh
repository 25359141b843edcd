#!/usr/bin/env bash
# Sourced by the image's Flink scripts. A small stand-in for Flink's bin/config.sh: the directories,
# the classpath (every jar of lib/), Java, the env.java.opts.* of the configuration, and the JVM memory
# options, computed by Flink's own BashJavaUtils (flink-runtime) exactly as Flink's scripts do.

export FLINK_HOME="${FLINK_HOME:-/opt/flink}"
export FLINK_BIN_DIR="${FLINK_BIN_DIR:-$FLINK_HOME/bin}"
export FLINK_LIB_DIR="${FLINK_LIB_DIR:-$FLINK_HOME/lib}"
export FLINK_OPT_DIR="${FLINK_OPT_DIR:-$FLINK_HOME/opt}"
export FLINK_PLUGINS_DIR="${FLINK_PLUGINS_DIR:-$FLINK_HOME/plugins}"
export FLINK_CONF_DIR="${FLINK_CONF_DIR:-$FLINK_HOME/conf}"
export FLINK_LOG_DIR="${FLINK_LOG_DIR:-$FLINK_HOME/log}"
# Baked-in defaults (a copy of the image's conf/), used when the mounted conf dir lacks a file.
# (This file is sourced: the variables it sets without export are read by flink-console.sh.)
# shellcheck disable=SC2034
FLINK_IMAGE_CONF_DIR="$FLINK_HOME/conf-image"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  JAVA_RUN="$JAVA_HOME/bin/java"
else
  JAVA_RUN=java
fi

# What Flink's config.yaml passes as env.java.opts.all for Java 17 (and ContainerPlan.FLINK_JAVA_OPTS).
# shellcheck disable=SC2034
FLINK_JAVA17_OPTS="--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED \
--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED \
--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED \
--add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
--add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED \
--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"

constructFlinkClassPath() {
  local cp="" jar
  for jar in "$FLINK_LIB_DIR"/*.jar; do
    cp="${cp:+$cp:}$jar"
  done
  echo "$cp"
}

BASH_JAVA_UTILS_PREFIX="BASH_JAVA_UTILS_EXEC_RESULT:"

# runBashJavaUtils COMMAND [-D k=v ...]: Flink's BashJavaUtils on the configuration of
# $FLINK_CONF_DIR plus the given dynamic properties; prints its result lines (prefix stripped).
runBashJavaUtils() {
  local cmd=$1 out rc
  shift
  out="$("$JAVA_RUN" -Dlog4j2.level=WARN -classpath "$(constructFlinkClassPath)" \
    org.apache.flink.runtime.util.bash.BashJavaUtils "$cmd" --configDir "$FLINK_CONF_DIR" "$@" 2>&1)"
  rc=$?
  if [[ $rc -ne 0 ]] || ! grep -q "^$BASH_JAVA_UTILS_PREFIX" <<<"$out"; then
    echo "[ERROR] BashJavaUtils $cmd failed (exit $rc). Its output:" >&2
    echo "$out" >&2
    return 1
  fi
  grep "^$BASH_JAVA_UTILS_PREFIX" <<<"$out" | sed "s/^$BASH_JAVA_UTILS_PREFIX//"
}

# readFromConfig KEY DEFAULT FLAT_CONFIG: a value of the flattened configuration, quotes stripped.
readFromConfig() {
  local value
  value="$(grep "^[ ]*$1[ ]*:" <<<"$3" | cut -d: -f2- | sed "s/^ *//;s/ *$//" | tail -n 1)"
  value="${value#\'}"; value="${value%\'}"; value="${value#\"}"; value="${value%\"}"
  [[ -z "$value" ]] && echo "$2" || echo "$value"
}

# The dynamic properties (-D k=v / -Dk=v) among the arguments, as "-D" "k=v" pairs.
dynamicPropertiesOf() {
  local a next=0
  for a in "$@"; do
    if [[ $next == 1 ]]; then printf '%s\n' -D "$a"; next=0
    elif [[ "$a" == -D ]]; then next=1
    elif [[ "$a" == -D?* ]]; then printf '%s\n' -D "${a#-D}"
    fi
  done
}
