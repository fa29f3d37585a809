# syntax=docker/dockerfile:1
# Keel's container image (docs/deploy.md). Two stages: `build` compiles TypeScript, the dashboard and
# the native addons (better-sqlite3, usearch) with a toolchain; the runtime stage holds only what
# `node bin/keel.js` needs and runs as an unprivileged numeric user.

FROM node:20-bookworm-slim AS build
# node-gyp needs these when no prebuilt addon matches the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Dependencies first, so a source change does not reinstall them. `--ignore-scripts` skips the
# root `prepare` (the build needs the sources, copied below); `npm rebuild` then runs the
# dependencies' own install scripts (the native addons).
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts && npm rebuild
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY scripts ./scripts
COPY src ./src
COPY web ./web
RUN npm run build \
 && npm prune --omit=dev \
 && find dist -name '*.map' -delete

FROM node:20-bookworm-slim AS runtime
# tini as PID 1 forwards SIGTERM to Keel (which drains for server.shutdown_grace_ms) and reaps
# zombies; Keel handles SIGTERM/SIGINT itself, so `docker run --init` is not needed.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 keel \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin keel \
 && mkdir -p /data \
 && chown 10001:10001 /data \
 && chmod 0700 /data
WORKDIR /app
# Owned by root and not writable by the keel user: the process cannot change its own code.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/node_modules ./node_modules
ENV NODE_ENV=production \
    KEEL_HOST=0.0.0.0 \
    KEEL_PORT=4000 \
    KEEL_DATA_DIR=/data
# The SQLite store (embedded mode), the master key file when KEEL_MASTER_KEY is unset, cache.db.
VOLUME ["/data"]
USER 10001:10001
EXPOSE 4000
# Liveness only (/healthz): no curl in the slim image, so node asks.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.KEEL_PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/keel.js"]
CMD ["start"]
