# The Legwork worker image: the same code `npm start` runs, pointed at a Temporal cluster and PostgreSQL.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN PRISMA_SCHEMA_ENGINE_BINARY=/usr/local/bin/node npx prisma generate
# Applies the ledger migrations (idempotent), then runs one worker process. Scale out with more replicas.
CMD ["sh", "-c", "node --import tsx infra/migrate.ts && exec node --import tsx workers/intent-worker.ts"]
