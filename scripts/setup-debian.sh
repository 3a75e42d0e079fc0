#!/usr/bin/env bash
# Installs the Debian 12 packages brine needs to build and test, skipping those already present.
#
# Usage: bash scripts/setup-debian.sh [--ci] [--bench]
#   --ci     also install what CI uses beyond the default compiler: clang, its sanitizer runtimes
#            (libclang-rt-14-dev) and clang-format. BRINE_SETUP_CI=1 does the same.
#   --bench  also install what scripts/bench.sh compares against: Google Benchmark and the XGBoost
#            C API (scikit-learn, joblib, NumPy and XGBoost for Python are always installed).
# Runs apt-get as root, or through sudo for other users. Prints nothing when all is present.
set -euo pipefail

# python3 runs the independent reader of the golden files (tests/golden/check_golden.py); ccache
# keeps compiled objects between builds (scripts/test.sh and CI use it); libsodium-dev, pkg-config
# and minisign build and test brine::signing (minisign checks brine's signatures both ways).
# The Python package's tests (python/) run scikit-learn and XGBoost from Debian, with NumPy, and
# install the package offline (pip, setuptools, wheel; venv for the README's virtual environment).
packages=(build-essential cmake ccache libcereal-dev rapidjson-dev libeigen3-dev catch2 python3
          libsodium-dev pkg-config minisign python3-numpy python3-sklearn python3-joblib
          python3-xgboost python3-pip python3-setuptools python3-wheel python3-venv)
ci_tools=${BRINE_SETUP_CI:-0}
bench_tools=0
for arg in "$@"; do
    case $arg in
        --ci) ci_tools=1 ;;
        --bench) bench_tools=1 ;;
        -h | --help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "setup-debian.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
    esac
done
if [[ $ci_tools == 1 ]]; then
    packages+=(clang libclang-rt-14-dev)
    # clang-format may come from elsewhere (a newer LLVM); any one on PATH will do.
    command -v clang-format >/dev/null 2>&1 || packages+=(clang-format)
fi
if [[ $bench_tools == 1 ]]; then
    # time: /usr/bin/time measures the compiler's CPU time and memory (scripts/bench-compile.sh).
    packages+=(libbenchmark-dev libxgboost-dev time)
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-debian.sh: this is not a Debian-like system; install these (or equivalents) yourself:" >&2
    echo "  ${packages[*]}" >&2
    exit 1
fi

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
    [[ $status == installed ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

as_root=()
if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "setup-debian.sh: missing packages (${missing[*]}); run as root or install sudo" >&2
        exit 1
    fi
    as_root=(sudo)
    # Without a terminal (CI) sudo must not wait for a password nobody can type.
    [[ -t 0 ]] || as_root=(sudo -n)
fi

echo "setup-debian.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-debian.sh: done"
