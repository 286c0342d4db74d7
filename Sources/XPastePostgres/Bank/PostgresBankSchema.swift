/// The bank's tables in PostgreSQL: the SQLite bank's schema in PostgreSQL's terms. Blobs are
/// `bytea` stored out of line and uncompressed (PNG and JPEG bytes do not compress); sort keys are
/// stored generated columns; per-category counts are kept by a trigger, as in SQLite.
///
/// `bank_meta` marks a database as an xpaste bank and holds its schema version; migrations run
/// under an advisory lock, append-only, like the SQLite migrations.
enum PostgresBankSchema {
    /// Schema version this build writes (the number of migrations).
    static var currentVersion: Int { migrations.count }

    /// An arbitrary but fixed key for the migration lock ("XPBK").
    static let migrationLock: Int64 = 0x5850_424B

    /// The value of `bank_meta.application`.
    static let application = "xpaste-bank"

    /// Tables a foreign database may already hold under the names the bank uses.
    static let tables = ["category", "blob", "source", "instance", "category_count"]

    /// Browse indices: one per (equality prefix, sort key), as in the SQLite bank.
    static let browseSortColumns = ["score_key", "created_at", "area_key"]
    static let browsePrefixes: [(name: String, columns: [String])] = [
        ("category_status", ["category_id", "status"]),
        ("status", ["status"]),
        ("all", []),
    ]

    /// Migrations in order, each a list of statements. Never edit one that shipped: add the next.
    static let migrations: [[String]] = [v1]

    static let v1: [String] = [
        """
        CREATE TABLE category (
            id BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            synonyms JSONB NOT NULL DEFAULT '[]',
            definition TEXT,
            synset TEXT,
            frequency TEXT CHECK (frequency IN ('r', 'c', 'f')),
            image_count BIGINT,
            instance_count BIGINT,
            created_at BIGINT NOT NULL
        )
        """,
        // Names are unique without regard to case, as SQLite's NOCASE made them.
        "CREATE UNIQUE INDEX category_name ON category (lower(name))",
        """
        CREATE TABLE blob (
            id BIGSERIAL PRIMARY KEY,
            sha256 BYTEA NOT NULL UNIQUE CHECK (length(sha256) = 32),
            media_type TEXT NOT NULL,
            size BIGINT NOT NULL CHECK (size >= 0),
            data BYTEA NOT NULL
        )
        """,
        "ALTER TABLE blob ALTER COLUMN data SET STORAGE EXTERNAL",
        """
        CREATE TABLE source (
            id BIGSERIAL PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('crawled', 'generated', 'uploaded', 'background')),
            category_id BIGINT REFERENCES category(id),
            job_id TEXT,
            sha256 BYTEA NOT NULL UNIQUE CHECK (length(sha256) = 32),
            width INTEGER NOT NULL CHECK (width > 0),
            height INTEGER NOT NULL CHECK (height > 0),
            media_type TEXT,
            storage TEXT NOT NULL CHECK (storage IN ('none', 'blob')),
            image_blob_id BIGINT REFERENCES blob(id),
            url TEXT,
            licence TEXT,
            author TEXT,
            prompt TEXT,
            negative_prompt TEXT,
            seed BIGINT,
            model_id TEXT,
            scheduler TEXT,
            steps INTEGER,
            guidance DOUBLE PRECISION,
            clip_score DOUBLE PRECISION,
            status TEXT NOT NULL CHECK (status IN ('pending', 'extracted', 'failed')),
            error TEXT,
            created_at BIGINT NOT NULL,
            CHECK ((storage = 'blob') = (image_blob_id IS NOT NULL))
        )
        """,
        "CREATE INDEX source_by_job ON source (job_id, id) WHERE job_id IS NOT NULL",
        "CREATE INDEX source_by_category ON source (category_id, id)",
        "CREATE INDEX source_by_blob ON source (image_blob_id) WHERE image_blob_id IS NOT NULL",
        "CREATE INDEX source_by_status ON source (status, id)",
        """
        CREATE TABLE instance (
            id BIGSERIAL PRIMARY KEY,
            source_id BIGINT NOT NULL REFERENCES source(id),
            category_id BIGINT NOT NULL REFERENCES category(id),
            source_kind TEXT NOT NULL CHECK (source_kind IN ('crawled', 'generated', 'uploaded', 'background')),
            job_id TEXT,
            segmenter TEXT NOT NULL,
            cutout_blob_id BIGINT NOT NULL REFERENCES blob(id),
            thumbnail_blob_id BIGINT REFERENCES blob(id),
            width INTEGER NOT NULL CHECK (width > 0),
            height INTEGER NOT NULL CHECK (height > 0),
            box_x INTEGER,
            box_y INTEGER,
            box_width INTEGER,
            box_height INTEGER,
            area_ratio DOUBLE PRECISION,
            clip_score DOUBLE PRECISION,
            status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
            reason TEXT,
            decided_by TEXT CHECK (decided_by IN ('filter', 'person')),
            decided_at BIGINT,
            created_at BIGINT NOT NULL,
            score_key DOUBLE PRECISION GENERATED ALWAYS AS (coalesce(clip_score, -1e300)) STORED,
            area_key DOUBLE PRECISION GENERATED ALWAYS AS (coalesce(area_ratio, -1e300)) STORED,
            UNIQUE (cutout_blob_id, category_id)
        )
        """,
        "CREATE INDEX instance_by_thumbnail ON instance (thumbnail_blob_id) WHERE thumbnail_blob_id IS NOT NULL",
        "CREATE INDEX instance_by_source ON instance (source_id)",
        "CREATE INDEX instance_by_job ON instance (job_id, created_at, id) WHERE job_id IS NOT NULL",
        """
        CREATE TABLE category_count (
            category_id BIGINT NOT NULL,
            status TEXT NOT NULL,
            n BIGINT NOT NULL,
            PRIMARY KEY (category_id, status)
        )
        """,
        """
        CREATE FUNCTION xpaste_count_instance() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                UPDATE category_count SET n = n - 1 WHERE category_id = OLD.category_id AND status = OLD.status;
            END IF;
            IF TG_OP IN ('UPDATE', 'INSERT') THEN
                INSERT INTO category_count (category_id, status, n) VALUES (NEW.category_id, NEW.status, 1)
                    ON CONFLICT (category_id, status) DO UPDATE SET n = category_count.n + 1;
            END IF;
            RETURN NULL;
        END
        $$
        """,
        "CREATE TRIGGER instance_counted AFTER INSERT OR DELETE ON instance FOR EACH ROW EXECUTE FUNCTION xpaste_count_instance()",
        """
        CREATE TRIGGER instance_recounted AFTER UPDATE OF status, category_id ON instance FOR EACH ROW
        WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.category_id IS DISTINCT FROM NEW.category_id)
        EXECUTE FUNCTION xpaste_count_instance()
        """,
    ] + browseIndices

    /// Indices without category_id in front carry it after the id, as in SQLite: a browse over many
    /// categories can check the category from the index alone.
    static var browseIndices: [String] {
        var out: [String] = []
        for prefix in browsePrefixes {
            for column in browseSortColumns {
                let tail = prefix.columns.contains("category_id") ? [] : ["category_id"]
                let columns = (prefix.columns + [column, "id"] + tail).joined(separator: ", ")
                out.append("CREATE INDEX instance_browse_\(prefix.name)_\(column) ON instance (\(columns))")
            }
        }
        return out
    }
}
