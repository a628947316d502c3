import Foundation
import GRDBSQLite
import Objects
import Store

/// The limit: the same rows as `SQLiteStore` writes (objects, labels, changes without the
/// body the object's row holds, with its writer, verb and uid: the audit trail; the revision
/// in meta), in the same table layout
/// (StoreSchema.swift), with the same pragmas (WAL, synchronous=FULL) and batching,
/// through plain prepared statements on the same SQLite library. Rows are encoded before the clock starts: only SQL work is timed.
final class RawSQLite {
  /// One object's rows, ready to bind.
  struct Row {
    var namespace: String
    var name: String
    var uid: String
    var labels: [(String, String)]
    var data: [UInt8]
  }

  private var db: OpaquePointer?
  private var statements: [String: OpaquePointer] = [:]
  private(set) var revision: Int64 = 0
  /// SQLITE_TRANSIENT: SQLite copies what is bound.
  private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

  /// The store's own tables and indexes (Sources/Store/StoreSchema.swift), and the writer
  /// the rows below name.
  static let schema =
    SQLiteStore.layoutStatements
    + ["INSERT OR IGNORE INTO writers (id, actor, source) VALUES (1, 'bench', 'bench')"]

  static let insertObject =
    "INSERT INTO objects (grp, resource, namespace, name, uid, rv, deleting, data) VALUES ('', 'configmaps', ?, ?, ?, ?, 0, ?)"
  static let insertLabel = "INSERT INTO labels (obj, key, value) VALUES (?, ?, ?)"
  static let insertChange =
    "INSERT INTO changes (rv, type, grp, resource, namespace, name, data, time, writer, verb, uid, obj) VALUES (?, 'ADDED', '', 'configmaps', ?, ?, ?, ?, 1, 'create', ?, ?)"
  static let setRevision = "UPDATE meta SET value = ? WHERE key = 'revision'"
  static let get =
    "SELECT data FROM objects WHERE grp = '' AND resource = 'configmaps' AND namespace = ? AND name = ?"
  static let listNamespace =
    "SELECT data FROM objects WHERE grp = '' AND resource = 'configmaps' AND namespace = ? ORDER BY namespace, name"
  // The store's query for a selective label: the matches through the labels key, sorted.
  static let listLabel = """
    SELECT o.data FROM labels l CROSS JOIN objects o ON o.id = l.obj
    WHERE o.grp = '' AND o.resource = 'configmaps' AND l.key = ? AND l.value = ?
    ORDER BY o.namespace, o.name
    """
  static let page = """
    SELECT namespace, name, data FROM objects WHERE grp = '' AND resource = 'configmaps'
    AND (namespace, name) > (?, ?) ORDER BY namespace, name LIMIT ?
    """

  init(path: String) {
    guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK
    else { fail("raw sqlite: cannot open \(path)") }
    exec("PRAGMA journal_mode = WAL")
    exec("PRAGMA synchronous = FULL")
    // The same page cache as the store's writer.
    exec("PRAGMA cache_size = -\(SQLiteStore.Configuration().pageCacheKiB)")
    exec("PRAGMA wal_autocheckpoint = 10000")
    for sql in Self.schema { exec(sql) }
  }

  deinit {
    for s in statements.values { sqlite3_finalize(s) }
    sqlite3_close_v2(db)
  }

  /// The JSON the store would write for object `i` at revision `rv`.
  static func row(_ i: Int, rv: Int64, time: Double) -> Row {
    var o = Workload.object(i)
    let uid = ObjectUIDs.next()
    o.uid = uid
    o.creationTimestamp = "2026-01-01T00:00:00Z"
    o.generation = 1
    o.resourceVersion = String(rv)
    return Row(
      namespace: Workload.namespace(i), name: Workload.name(i), uid: uid,
      labels: Workload.labels(i), data: JSON.encodeBytes(o.value))
  }

  func exec(_ sql: String) {
    var error: UnsafeMutablePointer<CChar>?
    if sqlite3_exec(db, sql, nil, nil, &error) != SQLITE_OK {
      fail("raw sqlite: \(sql): \(error.map { String(cString: $0) } ?? "?")")
    }
  }

  private func statement(_ sql: String) -> OpaquePointer {
    if let s = statements[sql] {
      sqlite3_reset(s)
      sqlite3_clear_bindings(s)
      return s
    }
    var s: OpaquePointer?
    guard sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &s, nil) == SQLITE_OK,
      let s
    else { fail("raw sqlite: cannot prepare \(sql): \(String(cString: sqlite3_errmsg(db)))") }
    statements[sql] = s
    return s
  }

  private func bind(_ s: OpaquePointer, _ i: Int32, _ text: String) {
    sqlite3_bind_text(s, i, text, -1, transient)
  }

  private func bind(_ s: OpaquePointer, _ i: Int32, _ bytes: [UInt8]) {
    bytes.withUnsafeBytes { b in
      _ = sqlite3_bind_blob(s, i, b.baseAddress, Int32(b.count), transient)
    }
  }

  private func step(_ s: OpaquePointer) {
    let rc = sqlite3_step(s)
    if rc != SQLITE_DONE && rc != SQLITE_ROW {
      fail("raw sqlite: step: \(String(cString: sqlite3_errmsg(db)))")
    }
  }

  /// Writes `rows` in one durable transaction, one revision each, as the store does.
  func write(_ rows: [Row], time: Double) {
    exec("BEGIN IMMEDIATE")
    for row in rows {
      revision += 1
      var s = statement(Self.insertObject)
      bind(s, 1, row.namespace)
      bind(s, 2, row.name)
      bind(s, 3, row.uid)
      sqlite3_bind_int64(s, 4, revision)
      bind(s, 5, row.data)
      step(s)
      let id = sqlite3_last_insert_rowid(db)
      s = statement(Self.insertLabel)
      for (k, v) in row.labels {
        sqlite3_reset(s)
        sqlite3_bind_int64(s, 1, id)
        bind(s, 2, k)
        bind(s, 3, v)
        step(s)
      }
      s = statement(Self.insertChange)
      sqlite3_bind_int64(s, 1, revision)
      bind(s, 2, row.namespace)
      bind(s, 3, row.name)
      // Empty, as the store writes it: the object's row holds a current change's body.
      sqlite3_bind_zeroblob(s, 4, 0)
      sqlite3_bind_double(s, 5, time)
      bind(s, 6, row.uid)
      sqlite3_bind_int64(s, 7, id)
      step(s)
    }
    let s = statement(Self.setRevision)
    sqlite3_bind_int64(s, 1, revision)
    step(s)
    exec("COMMIT")
  }

  private func blob(_ s: OpaquePointer, _ column: Int32) -> [UInt8] {
    let n = Int(sqlite3_column_bytes(s, column))
    guard n > 0, let p = sqlite3_column_blob(s, column) else { return [] }
    return [UInt8](UnsafeRawBufferPointer(start: p, count: n))
  }

  /// The object's bytes (no decoding: the limit).
  func get(namespace: String, name: String) -> [UInt8]? {
    let s = statement(Self.get)
    bind(s, 1, namespace)
    bind(s, 2, name)
    guard sqlite3_step(s) == SQLITE_ROW else { return nil }
    return blob(s, 0)
  }

  private func all(_ s: OpaquePointer) -> [[UInt8]] {
    var out: [[UInt8]] = []
    while sqlite3_step(s) == SQLITE_ROW { out.append(blob(s, 0)) }
    return out
  }

  func list(namespace: String) -> [[UInt8]] {
    let s = statement(Self.listNamespace)
    bind(s, 1, namespace)
    return all(s)
  }

  func list(label key: String, _ value: String) -> [[UInt8]] {
    let s = statement(Self.listLabel)
    bind(s, 1, key)
    bind(s, 2, value)
    return all(s)
  }

  /// One page after (namespace, name); returns the items and the last key.
  func page(after: (String, String), limit: Int) -> (Int, (String, String)?) {
    let s = statement(Self.page)
    bind(s, 1, after.0)
    bind(s, 2, after.1)
    sqlite3_bind_int64(s, 3, Int64(limit))
    var items: [[UInt8]] = []
    var last: (String, String)?
    while sqlite3_step(s) == SQLITE_ROW {
      last = (
        String(cString: sqlite3_column_text(s, 0)), String(cString: sqlite3_column_text(s, 1))
      )
      items.append(blob(s, 2))
    }
    return (items.count, items.count == limit ? last : nil)
  }
}

/// The SQLite library version (the store and the raw peer link the same one).
func sqliteVersion() -> UnsafePointer<CChar> { sqlite3_libversion() }
