# Opificio in a container: `docker build -t opificio .`, then
# `docker run -p 3000:3000 -v opificio-data:/data opificio` (one node, boards in the volume), or
# deploy/compose.yaml (two nodes, Redis, nginx). README: "Containers and systemd".
#
# Two stages: the build one has the whole toolchain (Vite, esbuild, the test tools' packages);
# the image that runs holds only the runtime packages, the two builds and the sources the
# operator tools need.

ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# The manifests first: the install layer stays cached while only sources change. npm ci needs
# every workspace's package.json, even those whose packages are all dev dependencies.
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY client/package.json client/
COPY e2e/package.json e2e/
RUN npm ci --no-audit --no-fund
COPY . .
# The client into client/dist (precompressed), the server bundled into server/dist.
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY client/package.json client/
COPY e2e/package.json e2e/
# Runtime packages only, at the lockfile's versions. No install scripts: the one left (esbuild's,
# under tsx) only checks a binary that its platform package installs anyway.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/client/dist client/dist
# The operator tools (restore, links, recover) run from source with tsx, a runtime package:
# `docker exec <container> node --import tsx server/src/operator/links.ts <board id>`.
COPY server/src server/src
COPY shared/src shared/src
# The code stays root's and read-only to the server; only DATA_DIR is its to write. A new volume
# mounted on /data takes this folder's owner.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
# Liveness. Compose probes /readyz instead, to hold nginx back until the nodes can serve.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself, drains, and exits within
# SHUTDOWN_TIMEOUT_MS (8 s by default, under `docker stop`'s 10 s).
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=32", "server/dist/main.js"]
