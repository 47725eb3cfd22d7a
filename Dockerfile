# fintoc-monato-mock: the Fintoc and Monato sandbox as a container.
#
#   docker build -t fintoc-monato-mock .
#   docker run --rm -p 4010:4010 fintoc-monato-mock
#
# Recipes (CI services, scenarios without a checkout, webhooks to the host, volumes and uid 1000): docs/ci.md.
# Mounting over /app/data is fine: the shipped scenarios are also embedded in /app/.embedded and relative scenario
# paths fall back to them. A mounted folder for DATA_FILE must be writable by uid 1000, the image's `node` user.
#
# test/container/ builds this file with a real engine (podman) and runs the image.

# any Node 24 image with npm and a `node` user of uid 1000; CI builds from a local stand-in
ARG NODE_IMAGE=node:24-alpine

# ---- build: full install, compile, then drop the dev dependencies
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` builds the npm package (CommonJS bundle, types), which the image does not run
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src/ ./src/
# no source maps or declarations: the image runs dist/, nothing compiles against it
RUN npm run build -- --sourceMap false --declaration false
# prune leaves the emptied scope folders (@vitest, @biomejs…) behind
RUN npm prune --omit=dev --no-audit --no-fund --ignore-scripts && find node_modules -mindepth 1 -maxdepth 1 -type d -empty -delete

# ---- runtime: compiled code, production dependencies, specs and scenarios
FROM ${NODE_IMAGE} AS runtime
# after FROM: a stage sees only the ARGs it declares
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="fintoc-monato-mock" \
      org.opencontainers.image.description="Local, stateful sandbox emulating the Fintoc and Monato Fincore APIs for CI" \
      org.opencontainers.image.source="https://github.com/fintoc-monato-mock/fintoc-monato-mock" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT"
WORKDIR /app
# the heap cap of npm start (docs/performance.md: it keeps V8 from growing the heap 4x under load); override with -e NODE_OPTIONS=
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4010 NODE_OPTIONS=--max-old-space-size=1536
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY specs/ ./specs/
COPY data/ ./data/
COPY data/ ./.embedded/data/
USER node
EXPOSE 4010
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4010) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# exec form: node is PID 1 and receives SIGTERM from `docker stop` directly; the young-generation floor of npm start
# (docs/performance.md) is an argument because NODE_OPTIONS refuses it
CMD ["node", "--min-semi-space-size=16", "dist/main.js"]
