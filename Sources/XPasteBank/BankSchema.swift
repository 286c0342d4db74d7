import GRDB

/// The bank's schema and its migrations. Each release appends migrations, never edits one that
/// shipped; `PRAGMA user_version` mirrors the number of migrations so tools outside GRDB can tell
/// the version too.
enum BankSchema {
    /// `PRAGMA application_id` of every xpaste bank ("XPBK"): how we tell our file from a foreign
    /// SQLite database.
    static let applicationId: Int32 = 0x5850_424B

    /// Sort-key sentinel standing in for NULL scores and areas, below any real value, so keyset
    /// comparisons stay plain `(key, id) < (?, ?)` and can use the indices.
    static let missingKey: Double = -1e300

    /// The migrations this build knows, in order.
    static var migrator: DatabaseMigrator { migrator(appending: []) }

    /// A migration given as SQL, for tests that play a later release.
    struct SQLMigration: Sendable {
        /// Migration identifier.
        var id: String
        /// Statements to run.
        var sql: String
    }

    /// The migrations that shipped, in order. Never edit one once merged: add the next.
    static let builtIn: [(id: String, migrate: @Sendable (Database) throws -> Void)] = [
        ("v1", v1),
        ("v2-source-status", v2),
    ]

    /// This build's migrations (the first `builtInCount` of them, to play an older release) followed
    /// by `later` ones (to play a newer release), each stamping its version.
    static func migrator(builtInCount: Int? = nil, appending later: [SQLMigration]) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        let shipped = builtIn.prefix(builtInCount ?? builtIn.count)
        for (id, migrate) in shipped {
            migrator.registerMigration(id, migrate: migrate)
        }
        for (offset, migration) in later.enumerated() {
            let version = shipped.count + 1 + offset
            migrator.registerMigration(migration.id) { db in
                try db.execute(sql: migration.sql)
                try stamp(db, version: version)
            }
        }
        return migrator
    }

    /// Schema version this build writes (the number of registered migrations).
    static var currentVersion: Int { migrator.migrations.count }

    /// Browse indices: one per (equality prefix, sort key). The equality prefixes are the filters
    /// the browser always or usually sets (category + status, status alone, nothing), the sort keys
    /// are score, date and area; `id` is the tie-breaker the cursor resumes from.
    static let browseSortColumns = ["score_key", "created_at", "area_key"]
    static let browsePrefixes: [(name: String, columns: [String])] = [
        ("category_status", ["category_id", "status"]),
        ("status", ["status"]),
        ("all", []),
    ]

    static func v1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE category (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                synonyms TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(synonyms)),
                definition TEXT,
                synset TEXT,
                frequency TEXT CHECK (frequency IN ('r', 'c', 'f')),
                image_count INTEGER,
                instance_count INTEGER,
                created_at INTEGER NOT NULL
            );

            -- Content-addressed bytes. A rowid table (not WITHOUT ROWID) because rows are large; other
            -- tables refer to the compact rowid, the sha256 is the public identity.
            CREATE TABLE blob (
                id INTEGER PRIMARY KEY,
                sha256 BLOB NOT NULL UNIQUE CHECK (length(sha256) = 32),
                media_type TEXT NOT NULL,
                size INTEGER NOT NULL CHECK (size >= 0),
                data BLOB NOT NULL
            );

            -- Blob totals kept by triggers: summing sizes would read a page of every blob.
            CREATE TABLE blob_total (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                blobs INTEGER NOT NULL,
                bytes INTEGER NOT NULL
            );
            INSERT INTO blob_total (id, blobs, bytes) VALUES (1, 0, 0);
            CREATE TRIGGER blob_counted_on_insert AFTER INSERT ON blob BEGIN
                UPDATE blob_total SET blobs = blobs + 1, bytes = bytes + NEW.size WHERE id = 1;
            END;
            CREATE TRIGGER blob_counted_on_delete AFTER DELETE ON blob BEGIN
                UPDATE blob_total SET blobs = blobs - 1, bytes = bytes - OLD.size WHERE id = 1;
            END;

            CREATE TABLE source (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL CHECK (kind IN ('crawled', 'generated', 'uploaded', 'background')),
                category_id INTEGER REFERENCES category(id),
                job_id TEXT,
                sha256 BLOB NOT NULL UNIQUE CHECK (length(sha256) = 32),
                width INTEGER NOT NULL CHECK (width > 0),
                height INTEGER NOT NULL CHECK (height > 0),
                media_type TEXT,
                storage TEXT NOT NULL CHECK (storage IN ('none', 'blob', 'file')),
                image_blob_id INTEGER REFERENCES blob(id),
                url TEXT,
                licence TEXT,
                author TEXT,
                prompt TEXT,
                negative_prompt TEXT,
                seed INTEGER,
                model_id TEXT,
                scheduler TEXT,
                steps INTEGER,
                guidance REAL,
                clip_score REAL,
                status TEXT NOT NULL CHECK (status IN ('pending', 'extracted', 'failed')),
                error TEXT,
                created_at INTEGER NOT NULL,
                CHECK ((storage = 'blob') = (image_blob_id IS NOT NULL))
            );
            CREATE INDEX source_by_job ON source(job_id, id) WHERE job_id IS NOT NULL;
            CREATE INDEX source_by_category ON source(category_id, id);
            CREATE INDEX source_by_blob ON source(image_blob_id) WHERE image_blob_id IS NOT NULL;

            -- AUTOINCREMENT: ids are never reused, so a cursor or a log line naming an id never comes to
            -- mean a different cutout after deletes.
            CREATE TABLE instance (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                source_id INTEGER NOT NULL REFERENCES source(id),
                category_id INTEGER NOT NULL REFERENCES category(id),
                source_kind TEXT NOT NULL CHECK (source_kind IN ('crawled', 'generated', 'uploaded', 'background')),
                job_id TEXT,
                segmenter TEXT NOT NULL,
                cutout_blob_id INTEGER NOT NULL REFERENCES blob(id),
                thumbnail_blob_id INTEGER REFERENCES blob(id),
                width INTEGER NOT NULL CHECK (width > 0),
                height INTEGER NOT NULL CHECK (height > 0),
                box_x INTEGER,
                box_y INTEGER,
                box_width INTEGER,
                box_height INTEGER,
                area_ratio REAL,
                clip_score REAL,
                status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
                reason TEXT,
                decided_by TEXT CHECK (decided_by IN ('filter', 'person')),
                decided_at INTEGER,
                created_at INTEGER NOT NULL,
                score_key REAL GENERATED ALWAYS AS (ifnull(clip_score, -1e300)) VIRTUAL,
                area_key REAL GENERATED ALWAYS AS (ifnull(area_ratio, -1e300)) VIRTUAL,
                UNIQUE (cutout_blob_id, category_id)
            );
            CREATE INDEX instance_by_thumbnail ON instance(thumbnail_blob_id) WHERE thumbnail_blob_id IS NOT NULL;
            CREATE INDEX instance_by_source ON instance(source_id);
            CREATE INDEX instance_by_job ON instance(job_id, created_at, id) WHERE job_id IS NOT NULL;

            -- Per-category counts by status, kept by triggers so stats and the sampler never count rows.
            CREATE TABLE category_count (
                category_id INTEGER NOT NULL,
                status TEXT NOT NULL,
                n INTEGER NOT NULL,
                PRIMARY KEY (category_id, status)
            ) WITHOUT ROWID;
            CREATE TRIGGER instance_counted_on_insert AFTER INSERT ON instance BEGIN
                INSERT INTO category_count (category_id, status, n) VALUES (NEW.category_id, NEW.status, 1)
                    ON CONFLICT (category_id, status) DO UPDATE SET n = n + 1;
            END;
            CREATE TRIGGER instance_counted_on_delete AFTER DELETE ON instance BEGIN
                UPDATE category_count SET n = n - 1 WHERE category_id = OLD.category_id AND status = OLD.status;
            END;
            CREATE TRIGGER instance_counted_on_update AFTER UPDATE OF status, category_id ON instance
            WHEN OLD.status IS NOT NEW.status OR OLD.category_id IS NOT NEW.category_id BEGIN
                UPDATE category_count SET n = n - 1 WHERE category_id = OLD.category_id AND status = OLD.status;
                INSERT INTO category_count (category_id, status, n) VALUES (NEW.category_id, NEW.status, 1)
                    ON CONFLICT (category_id, status) DO UPDATE SET n = n + 1;
            END;
            """)
        for prefix in browsePrefixes {
            for column in browseSortColumns {
                // Indices without category_id in front carry it after the id: a browse over many
                // categories walks them in sort order and checks the category from the index alone.
                let tail = prefix.columns.contains("category_id") ? [] : ["category_id"]
                let columns = (prefix.columns + [column, "id"] + tail).joined(separator: ", ")
                try db.execute(sql: "CREATE INDEX instance_browse_\(prefix.name)_\(column) ON instance(\(columns))")
            }
        }
        try stamp(db, version: 1)
    }

    /// Stages page through sources by status (`InstanceBank.sources(status:…)`): without this index
    /// every poll for pending work scans the sources from the start.
    static func v2(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX source_by_status ON source(status, id)")
        try stamp(db, version: 2)
    }

    /// Marks the file as an xpaste bank of `version`; every migration ends with it.
    static func stamp(_ db: Database, version: Int) throws {
        try db.execute(sql: "PRAGMA application_id = \(applicationId)")
        try db.execute(sql: "PRAGMA user_version = \(version)")
    }
}
