#!/usr/bin/env bash
# Renders every docs/diagrams/*.puml into an SVG next to it with PlantUML (its built-in
# "smetana" layout, so Graphviz is not needed). With --check it renders into a temporary
# directory and fails if a committed SVG differs from its source.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's:.*<plantuml.version>\(.*\)</plantuml.version>.*:\1:p' pom.xml)
repo=${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}
jar="$repo/net/sourceforge/plantuml/plantuml/$version/plantuml-$version.jar"
if [[ ! -f "$jar" ]]; then
  mvn -B -q -ntp dependency:get -Dartifact="net.sourceforge.plantuml:plantuml:$version" -Dtransitive=false
fi

out=docs/diagrams
if [[ "${1:-}" == "--check" ]]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
java -Djava.awt.headless=true -jar "$jar" -tsvg -o "$(cd "$out" && pwd)" docs/diagrams/*.puml

if [[ "${1:-}" == "--check" ]]; then
  status=0
  for svg in "$out"/*.svg; do
    name=$(basename "$svg")
    if ! cmp -s "$svg" "docs/diagrams/$name"; then
      echo "docs/diagrams/$name is not what its .puml source renders to; run scripts/render-diagrams.sh" >&2
      status=1
    fi
  done
  [[ $status -eq 0 ]] && echo "diagrams: up to date"
  exit $status
fi
