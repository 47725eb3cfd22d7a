# fintoc-monato-mock: the Fintoc and Monato sandbox as a container.
#
#   docker build -t fintoc-monato-mock .
#   docker run --rm -p 4010:4010 fintoc-monato-mock
#
# Extra scenarios: mount them next to the shipped ones and point SCENARIO at them, e.g.
#   docker run --rm -p 4010:4010 -v "$PWD/my-data:/app/data" \
#     -e SCENARIO=data/scenarios/default.json,data/mine.json -e DATA_FILE=data/state.json fintoc-monato-mock
# Mounting over /app/data is fine: the shipped scenarios are also embedded in /app/.embedded and
# relative scenario paths fall back to them.
# State that must survive a restart: -v "$PWD/state:/state" -e DATA_FILE=/state/db.json
# (the host directory must be writable by uid 1000, the image's `node` user).
#
# One instruction per line, CMD and HEALTHCHECK in exec (JSON) form:
# test/smoke/docker-steps.test.ts parses this file and replays its steps without Docker.

# ---- build: full install, compile, then drop the dev dependencies
FROM node:24-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig*.json ./
COPY src/ ./src/
RUN npm run build
RUN npm prune --omit=dev --no-audit --no-fund

# ---- runtime: compiled code, production dependencies, specs and scenarios
FROM node:24-alpine AS runtime
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
