# The agency node's container image. Build from the repository root:
#   docker build -f deploy/docker/node.Dockerfile -t liaison-node:0.1.0 .
# Multi-stage: the build stage compiles with the dev dependencies; the runtime stage carries only
# the compiled tree, the console and the production dependencies, runs as an unprivileged user
# and writes nothing to its root filesystem (run it read-only; the node needs no writable path).
# Configuration: README "Configuration of a node"; every secret also as NAME_FILE.
# Checked by apps/node/src/deployment-kit.spec.ts.
FROM node:20.19-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
COPY bench ./bench
RUN npx tsc -p tsconfig.build.json

FROM node:20.19-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
# deploy/node-process.env (the C allocator's settings; the deployment kit spec checks they agree).
ENV MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=524288 MALLOC_TRIM_THRESHOLD_=4194304
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY apps/node/console ./apps/node/console
COPY deploy/register-paths.js ./deploy/register-paths.js
# 10001: no user of the base image; files stay owned by root, so the process cannot change them.
USER 10001:10001
EXPOSE 3000
CMD ["node", "-r", "./deploy/register-paths.js", "dist/apps/node/src/main.js"]
