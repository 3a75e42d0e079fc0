#!/usr/bin/env bash
# Checks or applies .clang-format on the tracked C++ sources (*.hpp, *.cpp).
#
# Usage: bash scripts/format.sh --check   list files that differ (exit 1 if any); what CI runs
#        bash scripts/format.sh --diff    the same, showing what would change
#        bash scripts/format.sh --fix     reformat them in place
# Extra arguments restrict it to those paths, e.g. bash scripts/format.sh --fix include/brine/io
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode=${1:-}
case $mode in
    --check | --diff | --fix) shift ;;
    *) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
command -v clang-format >/dev/null 2>&1 || { echo "format.sh: clang-format not found" >&2; exit 1; }

mapfile -t files < <(git ls-files -- "${@:-.}" | grep -E '\.(hpp|cpp)$' || true)
if [[ ${#files[@]} -eq 0 ]]; then
    echo "format.sh: no tracked *.hpp / *.cpp files"
    exit 0
fi

if [[ $mode == --fix ]]; then
    clang-format -i "${files[@]}"
    echo "format.sh: formatted ${#files[@]} files with $(clang-format --version)"
    exit 0
fi

differ=()
for file in "${files[@]}"; do
    clang-format --dry-run --Werror "$file" >/dev/null 2>&1 || differ+=("$file")
done
if [[ ${#differ[@]} -eq 0 ]]; then
    echo "format.sh: ${#files[@]} files match .clang-format ($(clang-format --version))"
    exit 0
fi
echo "format.sh: ${#differ[@]} of ${#files[@]} files differ from .clang-format ($(clang-format --version)):"
for file in "${differ[@]}"; do
    echo "  $file"
    [[ $mode == --diff ]] && clang-format "$file" | diff -u --label "$file" --label "$file (formatted)" "$file" - || true
done
echo "Fix with: bash scripts/format.sh --fix [paths]"
exit 1
