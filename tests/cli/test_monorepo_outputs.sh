#!/usr/bin/env bash
# What a browser gets, on the real monorepo (tests/fixtures/monorepo): the Next.js app's bytes are
# .next/static's (source maps left out), not all of .next; the Vite site's are dist's; the
# numbers stored as size:<package> are those; the table says which folder and why; a package
# that built and left no folder gets a hint; sizes are cached beside the history database.
# One real build of the workspace (next build dominates); the rest reuses its outputs.
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
source "$here/monorepo.sh"

pnpm_bin=$(monorepo_pnpm) || { fail "pnpm 10 could not be installed"; finish; exit; }
export PATH="$(dirname "$pnpm_bin"):$PATH" # turbo and nested pnpm calls find the same pnpm
monorepo_install ws || { fail "the monorepo fixture did not install"; finish; exit; }

# sizes FOLDER [SKIP_MAPS]: "FILES BYTES GZIP9" of the regular files under FOLDER, computed here
# (python's zlib, gzip framing, level 9) independently of farm.
sizes() {
    python3 - "$1" "${2:-skip}" <<'PY'
import os, sys, zlib
files = total = gz = 0
for base, _, names in os.walk(sys.argv[1]):
    for name in names:
        path = os.path.join(base, name)
        if sys.argv[2] == "skip" and name.lower().endswith(".map"):
            continue
        data = open(path, "rb").read()
        files += 1
        total += len(data)
        c = zlib.compressobj(9, zlib.DEFLATED, 31)
        gz += len(c.compress(data) + c.flush())
print(files, total, gz)
PY
}
package_json() { # package_json NAME PYTHON-EXPR: a field of packages[] by name
    json_get "$OUT" "[p for p in d['packages'] if p['name'] == '$1'][0]$2"
}

run_farm perf:build ws --runner pnpm --pnpm "$pnpm_bin" --install none --runs 1 --json
expect_rc 0 "one build of the monorepo"
web=ws/apps/web
[[ -d $web/.next/static && -d $web/.next/server ]] || fail "next build left no .next/static or .next/server"
read -r files bytes gzip <<<"$(sizes $web/.next/static)"
read -r _ all_next _ <<<"$(sizes $web/.next keep)"
expect_eq "$(package_json @acme/web '["output"]["bytes"]')" "$bytes" "web: the bytes of .next/static without maps"
expect_eq "$(package_json @acme/web '["output"]["files"]')" "$files" "web: the files of .next/static"
expect_eq "$(package_json @acme/web '["output"]["gzip_bytes"]')" "$gzip" "web: gzip -9 of .next/static"
expect_eq "$(( all_next > 4 * bytes ))" "1" "web: .next as a whole is far larger ($all_next vs $bytes bytes)"
expect_eq "$(package_json @acme/web '["output"]["source"]')" "Next.js: .next/static" "web: which folder and why"
expect_eq "$(package_json @acme/web '["output"]["folders"]')" "['.next/static']" "web: folders"
read -r map_files map_bytes <<<"$(find $web/.next/static -type f -iname '*.map' -printf '%s\n' | awk '{n++; s+=$1} END {print n+0, s+0}')"
expect_eq "$(package_json @acme/web '["output"]["source_maps"]["files"]')" "$map_files" "web: source map files apart"
expect_eq "$(package_json @acme/web '["output"]["source_maps"]["bytes"]')" "$map_bytes" "web: source map bytes apart"
echo "web: .next/static $bytes bytes in $files files (gzip $gzip), all of .next $all_next bytes"
expect_eq "$(package_json @acme/web '["output"]["routes"]' | python3 -c 'import ast,sys; print([r["route"] for r in ast.literal_eval(sys.stdin.read())])')" \
    "['/', '/_not-found']" "web: its app routes from Next's manifest"
route_gzip=$(package_json @acme/web '["output"]["routes"][0]["first_load_js"]["gzip_bytes"]')
expect_eq "$(( route_gzip > 50000 && route_gzip < gzip ))" "1" "web: / loads tens of kB first, less than all of static ($route_gzip)"

site=ws/apps/site
read -r sfiles sbytes _ <<<"$(sizes $site/dist)"
expect_eq "$(package_json @acme/site '["output"]["bytes"]')" "$sbytes" "site: the bytes of dist"
expect_eq "$(package_json @acme/site '["output"]["files"]')" "$sfiles" "site: the files of dist"
expect_eq "$(package_json @acme/site '["output"]["source"]')" "Vite: dist" "site: which folder and why"
expect_eq "$(package_json @acme/lib '["output"]["source"]')" "found: dist" "lib: tsc's dist, found"

stored=$(python3 -c '
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
row = db.execute("select m.vals from runs r join metrics m on m.run_id = r.id where r.subject = ? and m.name = ? order by r.id desc", ("size:@acme/web", "bytes")).fetchone()
print(int(float(re.findall(r"[0-9.eE+]+", row[0])[0])) if row else "none")' "$FARM_DB")
expect_eq "$stored" "$bytes" "size:@acme/web holds the browser-facing bytes"
[[ -s "$(dirname "$FARM_DB")/size-cache.json" ]] && pass || fail "no size cache beside the history database"
entries=$(json_get "$(cat "$(dirname "$FARM_DB")/size-cache.json")" 'len(d["entries"])')
expect_eq "$(( entries >= files + sfiles ))" "1" "the cache holds every measured file ($entries)"

# No rebuild: a script that does nothing measures the outputs the build left (sizes from the
# cache), as a table. lib's output is removed: it gets the hint.
for p in apps/web apps/site packages/lib; do
    python3 - "ws/$p/package.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["scripts"]["sizes"] = "true"
json.dump(d, open(sys.argv[1], "w"), indent=2)
PY
done
rm -rf ws/packages/lib/dist
# A source map beside the chunks (as productionBrowserSourceMaps writes them): counted apart.
python3 -c 'import sys; open(sys.argv[1], "w").write("{\"version\": 3}" * 1000)' "$web/.next/static/chunks/app/page.js.map"
echo '{"broken": ' >"$(dirname "$FARM_DB")/size-cache.json" # a corrupt cache costs time, nothing else
run_farm perf:build ws --runner pnpm --pnpm "$pnpm_bin" --install none --build-state incremental --runs 1 --script sizes
expect_rc 0 "the outputs measured again, as a table"
expect_contains "$OUT" "output of @acme/web: Next.js: .next/static" "table: web's folder and why"
expect_contains "$OUT" "output of @acme/site: Vite: dist" "table: site's folder and why"
expect_contains "$OUT" "First Load JS / (app router)" "table: web's routes"
expect_contains "$OUT" "output of @acme/web: Next.js: .next/static (source maps left out: 1 file, 13." "table: the map apart"
expect_contains "$OUT" "no output folder found in @acme/lib (looked for dist, build, out): name it with --output-dir DIR or build.output_dirs in farm.config.json" "hint for lib"
expect_eq "$(json_get "$(cat "$(dirname "$FARM_DB")/size-cache.json")" 'd["schema"]')" "farm.size-cache/1" "the corrupt cache was replaced"

run_farm perf:build ws --runner pnpm --pnpm "$pnpm_bin" --install none --build-state incremental --runs 1 --script sizes --output-dir .next/static/chunks/app --json
expect_rc 0 "--output-dir replaces the detection"
expect_eq "$(package_json @acme/web '["output"]["source"]')" "configured: .next/static/chunks/app" "web: configured"
expect_eq "$(package_json @acme/web '["output"]["bytes"]')" "$(sizes $web/.next/static/chunks/app | cut -d' ' -f2)" "web: the configured folder's bytes"

# An output size is compared, and reported, on its brotli bytes (what a browser downloads), not
# on its number of files; the trend shows that figure first.
run_farm perf:report --compare --subject 'size:@acme/web' --fail-on never --json
expect_eq "$(json_get "$OUT" '[r["metric"] for r in d["comparison"]["rows"]]')" "['brotli_bytes']" \
    "size subjects are compared on brotli bytes"
run_farm perf:report --subject 'size:@acme/web'
expect_contains "$OUT" "brotli size" "perf:report shows a size subject's brotli size"
expect_not_contains "$OUT" "   files " "and not its file count (--metric all does)"
finish
