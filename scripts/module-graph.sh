#!/usr/bin/env bash
# The package's modules as they stand: for each target under Sources/, its files, lines and the
# modules of this package it imports (the dependency walls Package.swift declares and
# `--explicit-target-dependency-import-check error` enforces), then the largest source files.
#
#   scripts/module-graph.sh            # modules and imports, then the 15 largest files
#   TOP=30 scripts/module-graph.sh     # more files
set -euo pipefail
cd "$(dirname "$0")/.."

top=${TOP:-15}
modules=()
for dir in Sources/*/; do modules+=("$(basename "$dir")"); done
# The executables' module names differ from their folders (Package.swift names them).
is_package_module() {
    local name=$1
    for module in "${modules[@]}"; do [ "$module" = "$name" ] && return 0; done
    return 1
}

printf '%-16s %6s %7s  %s\n' module files lines "imports (this package)"
for dir in Sources/*/; do
    module=$(basename "$dir")
    files=$(find "$dir" -name '*.swift' | wc -l)
    [ "$files" -eq 0 ] && continue
    lines=$(find "$dir" -name '*.swift' -exec cat {} + | wc -l)
    imports=$(grep -h -E '^(@testable )?import [A-Za-z_]+' -r "$dir" --include='*.swift' \
        | sed -E 's/^(@testable )?import //' | sort -u | while read -r name; do
            if is_package_module "$name"; then printf "%s " "$name"; fi
        done)
    printf '%-16s %6d %7d  %s\n' "$module" "$files" "$lines" "${imports:-—}"
done

echo
echo "largest source files (lines):"
find Sources -name '*.swift' -exec wc -l {} + | grep -v ' total$' | sort -rn | head -n "$top"
