#!/usr/bin/env bash
# The consumer matrix: packs @es-gen/runtime and es-gen exactly as they are published (npm pack,
# whose prepack builds them from the committed sources), installs the tarballs into fresh
# projects outside the repository, and proves that a user's project works in every common
# setup, without skipLibCheck:
#   (a) run with tsx;
#   (b) tsc with NodeNext and strict, emitting JavaScript, then plain node;
#   (c) moduleResolution bundler, bundled with esbuild, then plain node;
#   (d) type-check with exactOptionalPropertyTypes, noUncheckedIndexedAccess,
#       verbatimModuleSyntax, noUnusedLocals (and the rest of the strict family);
# and that a production install of the runtime alone is small and holds no toolchain or driver.
# Usage: scripts/consumer-matrix.sh [work folder]   (default: a new folder under /tmp)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d /tmp/es-gen-consumers.XXXXXX)}
case "$work" in "$repo"/*) echo "consumer-matrix: the work folder must be outside the repository" >&2; exit 2 ;; esac
mkdir -p "$work"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
# better-sqlite3 builds from source here; let node-gyp use both cores.
export JOBS=${JOBS:-2}
step() { printf '\n== consumers: %s\n' "$*"; }
fail() { printf 'consumer-matrix: FAILED: %s\n' "$*" >&2; exit 1; }

step "pack the packages"
packs="$work/packs"
rm -rf "$packs" && mkdir -p "$packs"
(cd "$repo" && npm pack --workspaces --pack-destination "$packs" --loglevel=warn)
runtime_tgz=$(ls "$packs"/es-gen-runtime-*.tgz)
cli_tgz=$(ls "$packs"/es-gen-[0-9]*.tgz)
ls -l "$packs"

step "production install of the runtime alone (npm install --omit=dev)"
prod="$work/prod"
rm -rf "$prod" && mkdir -p "$prod" && cd "$prod"
npm init -y >/dev/null && npm pkg set type=module
npm install --omit=dev "$runtime_tgz" >/dev/null
node "$repo/scripts/consumer/check-install.mjs" "$prod"

step "a user's project: install the tarballs, es-gen init, schemas, one handler filled"
app="$work/app"
rm -rf "$app" && mkdir -p "$app" && cd "$app"
npm init -y >/dev/null && npm pkg set type=module
# npm 11 asks projects to approve packages' install scripts: better-sqlite3 builds its binding.
npm pkg set allowScripts.better-sqlite3=true allowScripts.esbuild=true --json
npm install "$runtime_tgz" better-sqlite3@12 @types/better-sqlite3 >/dev/null
npm install -D "$cli_tgz" typescript@5.9 tsx esbuild @types/node@20 >/dev/null
npx es-gen init
[ -f tsconfig.json ] || fail "es-gen init wrote no tsconfig.json"
grep -q '"es-gen:build"' package.json || fail "es-gen init added no es-gen:build script to package.json"
rm -rf schemas && cp -R "$repo/examples/shop/schemas" schemas
npx es-gen build
node "$repo/scripts/consumer/fill-handler.mjs" "$app"
node "$repo/scripts/consumer/write-app.mjs" "$app" .js
npx es-gen build --check
npx es-gen lock
npm run es-gen:check --silent || fail "es-gen check failed in the user's project"

step "(a) tsx"
npx tsx src/main.ts | tee "$work/a.out"
grep -q '^consumer ok' "$work/a.out" || fail "(a) tsx: the app did not print 'consumer ok'"

step "(b) tsc NodeNext emitting JavaScript, then node"
node "$repo/scripts/consumer/tsconfig.mjs" nodenext > tsconfig.json
npx tsc -p tsconfig.json
node dist/main.js | tee "$work/b.out"
grep -q '^consumer ok' "$work/b.out" || fail "(b) node dist/main.js did not print 'consumer ok'"

step "(d) the strictest type-check"
node "$repo/scripts/consumer/tsconfig.mjs" strictest > tsconfig.strictest.json
npx tsc -p tsconfig.strictest.json

step "missing drivers fail with a clear error naming the package"
# Run from inside the project, so its imports resolve against the project's node_modules.
cp "$repo/scripts/consumer/missing-driver.mjs" missing-driver.mjs
node missing-driver.mjs

step "(c) moduleResolution bundler, bundled with esbuild, then node"
bundler="$work/bundler"
rm -rf "$bundler" && mkdir -p "$bundler" && cd "$bundler"
cp "$app/package.json" "$app/es-gen.config.yaml" . && cp -R "$app/schemas" schemas
ln -s "$app/node_modules" node_modules
node "$repo/scripts/consumer/tsconfig.mjs" bundler > tsconfig.json
npx es-gen build
node "$repo/scripts/consumer/fill-handler.mjs" "$bundler"
node "$repo/scripts/consumer/write-app.mjs" "$bundler" ''
if grep -rqE "from '\./[^']*\.(ts|js)'" src/generated; then fail "(c) generated code under moduleResolution bundler has extensions"; fi
npx tsc -p tsconfig.json --noEmit
npx esbuild src/main.ts --bundle --platform=node --format=esm --outfile=dist/app.mjs \
  --external:better-sqlite3 --log-level=warning
node dist/app.mjs | tee "$work/c.out"
grep -q '^consumer ok' "$work/c.out" || fail "(c) the bundle did not print 'consumer ok'"

printf '\nconsumer-matrix: all setups passed (work folder %s)\n' "$work"
