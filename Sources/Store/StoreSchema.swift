import GRDB

/// The SQLite tables of `SQLiteStore`, created on first open.
///
/// - `objects`: current state (`deleting` is 1 once deletionTimestamp is set), unique by
///   (group, resource, namespace, name); `namespace` is empty for cluster-scoped objects.
///   `data` is the object's compact JSON. A rowid table: rows of ~1 KB in a WITHOUT ROWID
///   table keyed by name made every batch of creates split pages all over the file.
/// - `labels`: one row per label of every object, keyed by (key, value, object rowid): the
///   order selector pushdown reads. A write deletes an object's rows by the labels it was
///   stored with. Since version 4 (before, keyed by object with an index by label).
/// - `owners`: one row per owner reference, for garbage collection.
/// - `changes`: one row per revision: the change log (watch, list snapshots) and the audit
///   trail (who, `writer`; the verb; the object's uid). `obj` is the row id of the
///   object it changed: each incarnation of a name has its own, so an object's history
///   is read by it, and the changes of objects since deleted are found through their
///   DELETED rows (`changes_deleted`). Since version 5. The row of an object's current
///   revision has an empty `data`: the object's own row holds that body, and it is copied
///   here when the object changes again or is deleted (`ChangeBody`, since version 4).
///   DELETED rows always carry theirs. Compaction empties the bodies of changes it drops
///   and keeps the rows, the audit trail (since version 5; before, a separate `audit`
///   table repeated each change's key, time and revision, with its own index by object).
/// - `writers`: each (actor, source) a change was written by, once: a change row refers
///   to it by id instead of repeating some hundred bytes of names. Since version 5.
/// - `requests`: every API request (reads included): who, what, the answer; trimmed by
///   age and count (`trimRequests`). Added in version 3.
/// - `meta`: the current and compacted revisions, the schema version.
enum StoreSchema {
  static let version = 5

  static let statements = [
    """
    CREATE TABLE IF NOT EXISTS objects (
      id INTEGER PRIMARY KEY,
      grp TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
      uid TEXT NOT NULL, rv INTEGER NOT NULL, deleting INTEGER NOT NULL, data BLOB NOT NULL)
    """,
    "CREATE UNIQUE INDEX IF NOT EXISTS objects_key ON objects (grp, resource, namespace, name)",
    "CREATE INDEX IF NOT EXISTS objects_uid ON objects (uid)",
    "CREATE INDEX IF NOT EXISTS objects_deleting ON objects (deleting) WHERE deleting = 1",
    // Version 4 drops it: namespace content is found per kind (keys(inNamespace:)).
    "DROP INDEX IF EXISTS objects_namespace",
    """
    CREATE TABLE IF NOT EXISTS labels (
      key TEXT NOT NULL, value TEXT NOT NULL, obj INTEGER NOT NULL,
      PRIMARY KEY (key, value, obj)) WITHOUT ROWID
    """,
    """
    CREATE TABLE IF NOT EXISTS owners (
      owner_uid TEXT NOT NULL, grp TEXT NOT NULL, resource TEXT NOT NULL,
      namespace TEXT NOT NULL, name TEXT NOT NULL,
      PRIMARY KEY (owner_uid, grp, resource, namespace, name)) WITHOUT ROWID
    """,
    """
    CREATE TABLE IF NOT EXISTS changes (
      rv INTEGER PRIMARY KEY, type TEXT NOT NULL, grp TEXT NOT NULL, resource TEXT NOT NULL,
      namespace TEXT NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL, time REAL NOT NULL,
      writer INTEGER NOT NULL DEFAULT 0, verb TEXT NOT NULL DEFAULT '',
      uid TEXT NOT NULL DEFAULT '', obj INTEGER NOT NULL DEFAULT 0)
    """,
    // Both grow at their end as objects are created (an index by key took an entry in
    // every namespace a batch touched: 12-15% of a batched create).
    "CREATE INDEX IF NOT EXISTS changes_kind ON changes (grp, resource)",
    "CREATE INDEX IF NOT EXISTS changes_obj ON changes (obj)",
    """
    CREATE INDEX IF NOT EXISTS changes_deleted ON changes (grp, resource, namespace, name)
    WHERE type = 'DELETED'
    """,
    "CREATE INDEX IF NOT EXISTS changes_writer ON changes (writer, time)",
    "CREATE INDEX IF NOT EXISTS changes_time ON changes (time)",
    """
    CREATE TABLE IF NOT EXISTS writers (
      id INTEGER PRIMARY KEY, actor TEXT NOT NULL, source TEXT NOT NULL, UNIQUE (actor, source))
    """,
    """
    CREATE TABLE IF NOT EXISTS requests (
      id INTEGER PRIMARY KEY, time REAL NOT NULL, user TEXT NOT NULL, verb TEXT NOT NULL,
      grp TEXT NOT NULL, resource TEXT NOT NULL, subresource TEXT NOT NULL,
      namespace TEXT NOT NULL, name TEXT NOT NULL, uri TEXT NOT NULL, code INTEGER NOT NULL,
      latency REAL NOT NULL, rv TEXT NOT NULL)
    """,
    "CREATE INDEX IF NOT EXISTS requests_user ON requests (user, time)",
    "CREATE INDEX IF NOT EXISTS requests_time ON requests (time)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "INSERT OR IGNORE INTO meta (key, value) VALUES ('revision', 0), ('compacted', 0)",
  ]

  /// Creates the tables if missing, and brings a store of an older layout to this one.
  static func create(_ db: Database) throws {
    let existing = try db.tableExists("meta")
    let found =
      existing
      ? try Int.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema'") ?? 1 : version
    guard found <= version else {
      throw StoreError.storage(
        "the store's layout is version \(found), newer than this mooring's (\(version)): upgrade mooring"
      )
    }
    // First: the other migrations create every table and index, those on these columns too.
    // (A file of an early build of version 5 lacks `changes.obj`.)
    let hasIncarnations =
      try existing && db.columns(in: "changes").contains { $0.name == "obj" }
    let mergingAudit = existing && (found < 5 || !hasIncarnations)
    if mergingAudit { try mergeAuditIntoChanges(db) }
    if found < 2 {
      try migrateToRowidObjects(db)
    } else if found < 4 {
      try migrateLabelsToKeyOrder(db)
    }
    for sql in statements + ChangeBody.triggers { try db.execute(sql: sql) }
    // Last: the objects' row ids are final.
    if mergingAudit { try assignIncarnations(db) }
    try db.execute(
      sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)", arguments: [version])
  }

  /// Versions 1 to 4 to 5: the audit trail moves into the change log. Each change row
  /// gets its writer, verb and uid from the audit row of its revision; an audit row whose
  /// change was compacted away becomes a row without body, typed DELETED (a compacted
  /// change was a deletion or superseded: as the latest state of its object, it can only
  /// have been a deletion). Runs inside the opening transaction.
  static func mergeAuditIntoChanges(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE IF NOT EXISTS writers (
          id INTEGER PRIMARY KEY, actor TEXT NOT NULL, source TEXT NOT NULL,
          UNIQUE (actor, source))
        """)
    let columns = Set(try db.columns(in: "changes").map(\.name))
    for (column, definition) in [
      ("writer", "INTEGER NOT NULL DEFAULT 0"), ("verb", "TEXT NOT NULL DEFAULT ''"),
      ("uid", "TEXT NOT NULL DEFAULT ''"), ("obj", "INTEGER NOT NULL DEFAULT 0"),
    ] where !columns.contains(column) {
      try db.execute(sql: "ALTER TABLE changes ADD COLUMN \(column) \(definition)")
    }
    guard try db.tableExists("audit") else { return }
    try db.execute(
      sql: """
        INSERT OR IGNORE INTO writers (actor, source)
        SELECT actor, source FROM audit GROUP BY actor, source ORDER BY min(rv)
        """)
    try db.execute(
      sql: """
        UPDATE changes SET (writer, verb, uid) = (
          SELECT w.id, a.verb, a.uid FROM audit a
          JOIN writers w ON w.actor = a.actor AND w.source = a.source WHERE a.rv = changes.rv)
        WHERE rv IN (SELECT rv FROM audit)
        """)
    try db.execute(
      sql: """
        INSERT INTO changes (rv, type, grp, resource, namespace, name, data, time, writer, verb, uid)
        SELECT a.rv, 'DELETED', a.grp, a.resource, a.namespace, a.name, X'', a.time, w.id, a.verb,
          a.uid
        FROM audit a JOIN writers w ON w.actor = a.actor AND w.source = a.source
        WHERE a.rv NOT IN (SELECT rv FROM changes)
        """)
    // Its indexes go with it.
    try db.execute(sql: "DROP TABLE audit")
  }

  /// Versions 1 to 4 to 5, after `mergeAuditIntoChanges`: each change row gets the
  /// incarnation of the object it changed (`obj`), found by key: the object's row id
  /// for the changes since its last deletion, and for the changes of an incarnation that
  /// ended, minus the revision of the deletion that ended it (no row id is negative).
  /// The index by key the old layout read goes.
  static func assignIncarnations(_ db: Database) throws {
    // The deletions are found along changes_deleted, the objects along objects_key.
    try db.execute(
      sql: """
        UPDATE changes SET obj = coalesce(
          (SELECT -d.rv FROM changes d WHERE d.grp = changes.grp
            AND d.resource = changes.resource AND d.namespace = changes.namespace
            AND d.name = changes.name AND d.rv >= changes.rv AND d.type = 'DELETED'
            ORDER BY d.rv LIMIT 1),
          (SELECT o.id FROM objects o WHERE o.grp = changes.grp AND o.resource = changes.resource
            AND o.namespace = changes.namespace AND o.name = changes.name),
          -changes.rv)
        """)
    try db.execute(sql: "DROP INDEX IF EXISTS changes_key")
  }

  /// Versions 2 and 3 to 4: `labels` is keyed by (key, value, obj), the order selectors
  /// read it in, instead of by object with an index by label: one B-tree per label row,
  /// not two. Runs inside the opening transaction.
  static func migrateLabelsToKeyOrder(_ db: Database) throws {
    try db.execute(sql: "ALTER TABLE labels RENAME TO labels_v3")
    for sql in statements { try db.execute(sql: sql) }
    try db.execute(
      sql: "INSERT INTO labels (key, value, obj) SELECT key, value, obj FROM labels_v3")
    // Its index labels_kv goes with it.
    try db.execute(sql: "DROP TABLE labels_v3")
  }

  /// Version 1 to 2: `objects` becomes a rowid table and `labels` refers to it by rowid.
  /// Runs inside the opening transaction: all of it or none.
  static func migrateToRowidObjects(_ db: Database) throws {
    for index in ["objects_uid", "objects_deleting", "objects_namespace", "labels_kv"] {
      try db.execute(sql: "DROP INDEX IF EXISTS \(index)")
    }
    try db.execute(sql: "ALTER TABLE objects RENAME TO objects_v1")
    try db.execute(sql: "ALTER TABLE labels RENAME TO labels_v1")
    for sql in statements { try db.execute(sql: sql) }
    try db.execute(
      sql: """
        INSERT INTO objects (grp, resource, namespace, name, uid, rv, deleting, data)
        SELECT grp, resource, namespace, name, uid, rv, deleting, data FROM objects_v1
        ORDER BY rv
        """)
    try db.execute(
      sql: """
        INSERT INTO labels (obj, key, value)
        SELECT o.id, l.key, l.value FROM labels_v1 l JOIN objects o ON o.grp = l.grp
        AND o.resource = l.resource AND o.namespace = l.namespace AND o.name = l.name
        """)
    try db.execute(sql: "DROP TABLE labels_v1")
    try db.execute(sql: "DROP TABLE objects_v1")
  }
}

extension SQLiteStore {
  /// The SQL that creates the store's tables and indexes (its triggers aside), for tools
  /// that must write the same layout: the store benchmark's raw SQLite peer.
  public static var layoutStatements: [String] { StoreSchema.statements }
}
