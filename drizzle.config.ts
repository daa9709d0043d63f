// drizzle-kit: generates db/migrations from db/schema and applies them (`npm run db:migrate`).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'turso',
  schema: './db/schema/index.ts',
  out: './db/migrations',
  dbCredentials: {
    url: process.env.DATABASE_URL ?? 'file:./data/member-assistant.db',
    authToken: process.env.DATABASE_AUTH_TOKEN,
  },
});
