import GRDB

/// The SQLite tables of `SQLiteStore`, created on first open.
///
/// - `objects`: current state (`deleting` is 1 once deletionTimestamp is set), keyed by (group, resource, namespace, name); `namespace`
///   is empty for cluster-scoped objects. `data` is the object's compact JSON.
/// - `labels`: one row per label of every object, for selector pushdown.
/// - `owners`: one row per owner reference, for garbage collection.
/// - `changes`: the change log by revision (watch, list snapshots); compacted.
/// - `audit`: who changed what, when and from where; kept after compaction.
/// - `meta`: the current and compacted revisions, the schema version.
enum StoreSchema {
  static let version = 1

  static let statements = [
    """
    CREATE TABLE IF NOT EXISTS objects (
      grp TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
      uid TEXT NOT NULL, rv INTEGER NOT NULL, deleting INTEGER NOT NULL, data BLOB NOT NULL,
      PRIMARY KEY (grp, resource, namespace, name)) WITHOUT ROWID
    """,
    "CREATE INDEX IF NOT EXISTS objects_uid ON objects (uid)",
    "CREATE INDEX IF NOT EXISTS objects_deleting ON objects (deleting) WHERE deleting = 1",
    "CREATE INDEX IF NOT EXISTS objects_namespace ON objects (namespace)",
    """
    CREATE TABLE IF NOT EXISTS labels (
      grp TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
      key TEXT NOT NULL, value TEXT NOT NULL,
      PRIMARY KEY (grp, resource, namespace, name, key)) WITHOUT ROWID
    """,
    "CREATE INDEX IF NOT EXISTS labels_kv ON labels (grp, resource, key, value)",
    """
    CREATE TABLE IF NOT EXISTS owners (
      owner_uid TEXT NOT NULL, grp TEXT NOT NULL, resource TEXT NOT NULL,
      namespace TEXT NOT NULL, name TEXT NOT NULL,
      PRIMARY KEY (owner_uid, grp, resource, namespace, name)) WITHOUT ROWID
    """,
    """
    CREATE TABLE IF NOT EXISTS changes (
      rv INTEGER PRIMARY KEY, type TEXT NOT NULL, grp TEXT NOT NULL, resource TEXT NOT NULL,
      namespace TEXT NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL, time REAL NOT NULL)
    """,
    "CREATE INDEX IF NOT EXISTS changes_key ON changes (grp, resource, namespace, name, rv)",
    """
    CREATE TABLE IF NOT EXISTS audit (
      rv INTEGER PRIMARY KEY, time REAL NOT NULL, actor TEXT NOT NULL, source TEXT NOT NULL,
      verb TEXT NOT NULL, grp TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL,
      name TEXT NOT NULL, uid TEXT NOT NULL)
    """,
    "CREATE INDEX IF NOT EXISTS audit_object ON audit (grp, resource, namespace, name, rv)",
    "CREATE INDEX IF NOT EXISTS audit_actor ON audit (actor, time)",
    "CREATE INDEX IF NOT EXISTS audit_time ON audit (time)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "INSERT OR IGNORE INTO meta (key, value) VALUES ('revision', 0), ('compacted', 0)",
  ]

  /// Creates the tables if missing.
  static func create(_ db: Database) throws {
    for sql in statements { try db.execute(sql: sql) }
    try db.execute(
      sql: "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", arguments: [version])
  }
}
