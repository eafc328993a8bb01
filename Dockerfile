# syntax=docker/dockerfile:1.7
# The airflow-mcp-rag service. Build: docker build -t airflow-mcp-rag .   (docker compose up builds it too)
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
# hnswlib-node compiles a native addon with node-gyp; pip fetches the embedding model's wheels.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-pip make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY apps/server/package.json apps/server/
COPY packages/core/package.json packages/core/
COPY packages/state/package.json packages/state/
COPY packages/knowledge/package.json packages/knowledge/
COPY packages/pipeline/package.json packages/pipeline/
COPY packages/airflow/package.json packages/airflow/
COPY packages/llm/package.json packages/llm/
COPY packages/agent/package.json packages/agent/
COPY scripts/docker/build.sh scripts/docker/build.sh
# The default embedder without an API key: all-MiniLM-L6-v2 run in process (scripts/lib/embedding-model.mjs, the
# same hash-checked install as npm run setup). Without it the service falls back to the hashing embedder.
COPY scripts/lib/embedding-model.mjs scripts/lib/node-runtime.mjs scripts/lib/
RUN AIRFLOW_MCP_CACHE=/opt/airflow-mcp-cache node scripts/lib/embedding-model.mjs
COPY apps apps
COPY packages packages
RUN sh scripts/docker/build.sh

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# python3 runs the compile and AST allow-list checks on generated DAGs (the import check is Airflow's parse).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    AIRFLOW_PYTHON=/usr/bin/python3 \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    DAGS_DIR=/opt/airflow/dags \
    ALLOWED_DATA_DIRS=/data/warehouse \
    AIRFLOW_MCP_CACHE=/opt/airflow-mcp-cache
# Same uid/gid as the official Airflow image's user (50000:0), so files in the shared volumes belong to both.
RUN useradd --uid 50000 --gid 0 --home-dir /app --no-create-home --shell /usr/sbin/nologin airflowmcp \
 && mkdir -p /data/warehouse /opt/airflow/dags \
 && chown -R 50000:0 /data /opt/airflow \
 && chmod -R g+rwX /data /opt/airflow
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/apps/server/package.json apps/server/package.json
COPY --from=build /app/apps/server/bin apps/server/bin
COPY --from=build /app/apps/server/dist apps/server/dist
COPY --from=build /app/apps/console/dist apps/console/dist
COPY --from=build /app/apps/console/static apps/console/static
COPY --from=build /app/packages packages
COPY --from=build /opt/airflow-mcp-cache /opt/airflow-mcp-cache
COPY knowledge knowledge
USER 50000:0
EXPOSE 3000
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "apps/server/bin/airflow-mcp.js"]
CMD ["serve"]
