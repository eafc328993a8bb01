import { runLockedMigration, type SqlClient } from '@airflow-mcp/state';

/** The same migrations for PGlite and PostgreSQL. Version 1 takes the vector size of the first embedder. */
interface Migration {
  version: number;
  name: string;
  sql(options: { dimensions: number }): string;
}

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'documents, chunks, meta; hnsw and gin indexes',
    sql: ({ dimensions }) => `
      CREATE TABLE knowledge.meta (key text PRIMARY KEY, value text NOT NULL);
      CREATE TABLE knowledge.documents (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        source text NOT NULL,
        path text NOT NULL,
        title text NOT NULL,
        doc_type text NOT NULL,
        category text NOT NULL,
        airflow_version text NOT NULL,
        lang text NOT NULL,
        tags text[] NOT NULL DEFAULT '{}',
        format text NOT NULL,
        body text NOT NULL,
        content_hash text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (source, path)
      );
      CREATE TABLE knowledge.chunks (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        document_id integer NOT NULL REFERENCES knowledge.documents (id) ON DELETE CASCADE,
        ordinal integer NOT NULL,
        heading_path text NOT NULL,
        text text NOT NULL,
        search_heading text NOT NULL,
        search_text text NOT NULL,
        embedding vector(${dimensions}) NOT NULL,
        tsv tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('simple'::regconfig, search_heading), 'A') ||
          setweight(to_tsvector('simple'::regconfig, search_text), 'D')
        ) STORED,
        UNIQUE (document_id, ordinal)
      );
      CREATE INDEX chunks_embedding_hnsw ON knowledge.chunks USING hnsw (embedding vector_cosine_ops);
      CREATE INDEX chunks_tsv_gin ON knowledge.chunks USING gin (tsv);
      CREATE INDEX documents_filters ON knowledge.documents (doc_type, category, lang);
    `,
  },
];

const LOCK_ID = 72_430_114;

/** Applies the migrations not yet recorded in knowledge.migrations, each in its own transaction, under a lock. */
export async function migrate(client: SqlClient, options: { dimensions: number }): Promise<number[]> {
  await runLockedMigration(client, LOCK_ID, [
    'CREATE EXTENSION IF NOT EXISTS vector',
    'CREATE SCHEMA IF NOT EXISTS knowledge',
    `CREATE TABLE IF NOT EXISTS knowledge.migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`,
  ]);
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    const ran = await client.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
      const done = await tx.query('SELECT 1 FROM knowledge.migrations WHERE version = $1', [migration.version]);
      if (done.rows.length > 0) return false;
      for (const statement of splitStatements(migration.sql(options))) await tx.query(statement);
      await tx.query('INSERT INTO knowledge.migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  return applied;
}

/** Our migrations hold no semicolons inside literals or bodies, so splitting on them is safe. */
function splitStatements(sql: string): string[] {
  return sql
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
