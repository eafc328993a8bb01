#!/usr/bin/env sh
# The service image's build steps. The Dockerfile runs this in its build stage; CI runs the very same file in a
# copy of the checkout (no Docker engine there) and then boots the result with production dependencies only.
set -eu
npm ci --no-audit --no-fund
node node_modules/typescript/bin/tsc -b
node apps/server/scripts/build-mcp-apps.mjs
npm prune --omit=dev --no-audit --no-fund
