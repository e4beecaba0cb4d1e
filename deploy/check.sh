#!/usr/bin/env bash
# Static checks of deploy/ (no cluster, no Docker engine needed):
#  1. the Strimzi topics (k8s/kafka-topics/topics.yaml) match kafka/topics.txt, the source of truth
#     for topic names and partition counts;
#  2. every kustomization builds (with `kustomize` or `kubectl kustomize`, whichever is installed;
#     skipped with a note when neither is).
# Usage: deploy/check.sh   (exit 0 when all checks that could run passed)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fail=0

# --- 1. topics -------------------------------------------------------------------------------
want="$(sed 's/#.*//' "$root/kafka/topics.txt" | awk 'NF >= 2 { print $1, $2 }' | sort)"
have="$(awk '
  /^[[:space:]]*topicName:/  { name = $2 }
  /^[[:space:]]*partitions:/ { print name, $2 }
' "$root/deploy/k8s/kafka-topics/topics.yaml" | sort)"
if [ "$want" = "$have" ]; then
  echo "check.sh: topics OK ($(echo "$want" | wc -l) topics match kafka/topics.txt)"
else
  echo "check.sh: topics.yaml differs from kafka/topics.txt" >&2
  diff <(echo "$want") <(echo "$have") | sed 's/^/  /' >&2 || true
  echo "  (< kafka/topics.txt, > deploy/k8s/kafka-topics/topics.yaml)" >&2
  fail=1
fi

# --- 2. kustomize builds ---------------------------------------------------------------------
if command -v kustomize >/dev/null 2>&1; then
  build=(kustomize build)
elif command -v kubectl >/dev/null 2>&1; then
  build=(kubectl kustomize)
else
  build=()
  echo "check.sh: neither kustomize nor kubectl installed, builds skipped" >&2
fi
if [ ${#build[@]} -gt 0 ]; then
  for dir in base kafka-topics overlays/dev overlays/prod overlays/keda; do
    if out="$("${build[@]}" "$root/deploy/k8s/$dir" 2>&1)"; then
      echo "check.sh: build k8s/$dir OK ($(grep -c '^kind:' <<<"$out") resources)"
    else
      echo "check.sh: build k8s/$dir FAILED:" >&2
      sed 's/^/  /' <<<"$out" >&2
      fail=1
    fi
  done
fi

exit "$fail"
