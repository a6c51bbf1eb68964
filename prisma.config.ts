// Prisma 7 reads the datasource URL from here (schema.prisma names only the provider).
// `prisma migrate deploy` uses it where the migration engine exists; offline, infra/migrate.ts
// applies the same SQL files. `prisma generate` needs no database.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://legwork:legwork@127.0.0.1:5433/legwork' },
});
