# shellcheck shell=bash
# Sourced by the project's scripts: picks a JDK >= 21 (JAVA_HOME if it is one, else the machine's Temurin,
# else any JDK >= 21 under /usr/lib/jvm), exports JAVA_HOME, and sets JAVA to its java.

java_major() { # $1 = java executable; prints the feature version (8, 17, 21, 25, ...)
  local v
  v="$("$1" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n1)"
  [[ -n "$v" ]] || { echo 0; return; }
  if [[ "$v" == 1.* ]]; then v="${v#1.}"; fi
  v="${v%%[.+-]*}"
  [[ "$v" =~ ^[0-9]+$ ]] && echo "$v" || echo 0
}

pick_jdk() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [[ -n "$candidate" && -x "$candidate/bin/java" && -x "$candidate/bin/javac" ]] || continue
    if (( $(java_major "$candidate/bin/java") >= 21 )); then
      export JAVA_HOME="$candidate"
      JAVA="$candidate/bin/java"
      return 0
    fi
  done
  printf 'no JDK >= 21 found: JAVA_HOME=%s is not one and none is under /usr/lib/jvm. Install JDK 21+ and set JAVA_HOME.\n' \
    "${JAVA_HOME:-<unset>}" >&2
  return 1
}
