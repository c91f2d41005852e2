# syntax=docker/dockerfile:1
# The chat server's image. `docker compose up` builds it; alone: `docker build -t stomp-chat .` and
# `docker run -p 8080:8080 stomp-chat` (SQLite in /app/data, in-process broker).
#
# Three stages on one base, so that the native module (sqlite3) is compiled against the very glibc and
# Node ABI it runs on: production dependencies, a build with devDependencies, and the final image with
# the first stage's node_modules and the second's dist/ only.
ARG NODE_IMAGE=node:20-bookworm-slim

# --- production dependencies ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
# sqlite3 downloads a prebuilt binary when it can and compiles with node-gyp when it cannot; the
# toolchain for the second case stays in this stage.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# --- build: tsc and the web page's esbuild bundle ----------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: compiling TypeScript loads no native module (esbuild's binary comes from its
# platform package, which needs no script).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
RUN npm run build \
 && find dist -name '*.spec.js' -delete -o -name '*.spec.js.map' -delete \
 && rm -f dist/.tsbuildinfo

# --- the image ------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE}
# tini is PID 1: it forwards SIGTERM/SIGINT to node (whose handler drains SSE, polls and STOMP sessions
# and exits 0 within 10 s) and reaps zombies; node as PID 1 would get no default signal handling.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The code stays root's and read-only to the server; only the default SQLite directory is writable.
RUN mkdir -p data && chown node:node data
USER node
EXPOSE 8080
# Ready = database and broker relay reachable (docs/http.md, Operations: /health answers as /health/ready
# does); the proxy's checks read the same endpoint.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/apps/chat-server/src/main.js"]
