# Upblit's container image: build from the sources, then a runtime stage with only what runs.
# Embedded database (PGlite) in the /data volume by default; every setting from the environment
# (README's configuration table), e.g. DATABASE_URL for a PostgreSQL server. `upblit` is on PATH,
# so the same image runs a remote probe: `… upblit probe --connect URL` (docs/remote-probes.md).
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
# A CA bundle for npm behind a re-signing proxy (CI mounts the host's; unset elsewhere).
ARG NPM_CONFIG_CAFILE
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
# prepare's steps: the server (dist/, with the PGlite data-folder template) and the dashboard.
RUN npm run build && npm run build:web && npm pack --ignore-scripts && mv upblit-*.tgz /upblit.tgz

FROM ${NODE_IMAGE}
ARG NPM_CONFIG_CAFILE
WORKDIR /app
COPY --from=build /upblit.tgz /tmp/upblit.tgz
RUN npm install --omit=dev --no-audit --no-fund /tmp/upblit.tgz && rm /tmp/upblit.tgz \
  && npm cache clean --force && mkdir -p /data && chown node:node /data
USER node
# PATH written out: a base image imported from a root filesystem (CI's stand-in) sets none.
ENV HOST=0.0.0.0 PORT=3000 DATA_DIR=/data LOG_FORMAT=json NODE_ENV=production \
  PATH=/app/node_modules/.bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "node_modules/upblit/dist/cli/main.js", "start"]
