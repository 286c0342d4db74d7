/// The queue's tables in PostgreSQL. Statements are idempotent (`IF NOT EXISTS`); `migrate()` runs
/// them under an advisory lock so workers starting together do not race.
enum PostgresQueueSchema {
    static let statements: [String] = [
        """
        CREATE TABLE IF NOT EXISTS work_items (
            seq BIGSERIAL PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            job_id TEXT NOT NULL,
            stage TEXT NOT NULL,
            payload BYTEA NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            max_attempts INTEGER NOT NULL,
            available_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            worker TEXT,
            lease_expires_at TIMESTAMPTZ,
            error TEXT,
            result BYTEA,
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            finished_at TIMESTAMPTZ
        )
        """,
        "CREATE INDEX IF NOT EXISTS work_items_queued ON work_items (seq) WHERE state = 'queued'",
        "CREATE INDEX IF NOT EXISTS work_items_leased ON work_items (lease_expires_at) WHERE state = 'leased'",
        "CREATE INDEX IF NOT EXISTS work_items_job ON work_items (job_id, id COLLATE \"C\")",
        """
        CREATE TABLE IF NOT EXISTS work_completions (
            item_id TEXT NOT NULL,
            job_id TEXT NOT NULL,
            worker TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            finished_at TIMESTAMPTZ NOT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS work_completions_job ON work_completions (job_id, item_id)",
        """
        CREATE TABLE IF NOT EXISTS workers (
            id TEXT PRIMARY KEY,
            last_seen TIMESTAMPTZ NOT NULL,
            report JSONB NOT NULL
        )
        """,
    ]
}
