#!/usr/bin/env bash
# A PNG of a report page as a 1280 px wide laptop screen shows it, the whole page long:
#   submit-scripts/screenshot-report.sh docs/results/report.html docs/results/report.png [HEIGHT]
# HEIGHT (px, default: measured from the page) is the picture's height. Needs Chromium
# (submit-scripts/ensure-build-tools.sh --for-tests installs it).
set -euo pipefail
page="${1:?usage: screenshot-report.sh REPORT.html OUT.png [HEIGHT]}"
png="${2:?usage: screenshot-report.sh REPORT.html OUT.png [HEIGHT]}"
[[ -f "$page" ]] || { echo "Error: $page not found. Write it with run.sh report first." >&2; exit 2; }
chromium_binary="$(command -v chromium || command -v chromium-browser || true)"
[[ -n "$chromium_binary" ]] || { echo "Error: Chromium is not installed. Run submit-scripts/ensure-build-tools.sh --for-tests." >&2; exit 4; }

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chromium=("$chromium_binary" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$profile" --window-size=1280,900)
url="file://$(realpath "$page")"
height="${3:-}"
if [[ -z "$height" ]]; then
  # The page's own height, measured by a copy with a script (the report itself has none).
  measured="$profile/measured.html"
  sed 's|</body>|<script>document.body.setAttribute("data-height", document.documentElement.scrollHeight)</script></body>|' \
    "$page" > "$measured"
  height="$("${chromium[@]}" --dump-dom "file://$measured" 2>/dev/null | grep -o 'data-height="[0-9]*"' | grep -o '[0-9]*')"
fi
"${chromium[@]/--window-size=1280,900/--window-size=1280,$height}" --screenshot="$(realpath -m "$png")" "$url" 2>/dev/null
echo "$png: 1280 x $height px"
