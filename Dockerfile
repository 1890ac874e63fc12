# syntax=docker/dockerfile:1
# returning-bridge: a multi-stage image that runs the bundled bridge as the unprivileged `node` user,
# with the embedded SQLite store on the /data volume. See README "Docker".

# Build: compile better-sqlite3 (no prebuilt binary is assumed), then tsc and the bundle (dist/bundle/).
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Scripts off: `prepare` builds from sources that are not copied yet; the native addon is built next.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY bin ./bin
RUN npm run build && npm prune --omit=dev

# Run: production dependencies, the bundle, the default rules; nothing else.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/data \
    RULES_FILE=/app/rules.yaml \
    PORT=3000
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/bundle ./dist/bundle
COPY --from=build /app/dist/.build-stamp ./dist/.build-stamp
COPY package.json rules.yaml rules.schema.json ./
COPY bin ./bin
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# /readyz answers 200 once the rules are loaded and the store takes writes (README "Operations").
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/bridge.js", "serve"]
