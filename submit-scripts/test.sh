#!/usr/bin/env bash
# Runs every test: unit tests, Spark tests on local[2], then the packaged train-job.jar through
# run.sh. Installs a JDK and Maven first if they are missing. Extra arguments go to Maven.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/ensure-build-tools.sh" --for-tests
cd "$here/.."
exec mvn -B verify "$@"
