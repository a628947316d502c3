import Foundation
import GRDB
import GRDBSQLite

extension SQLiteStore {
  /// Compacts the change log so it keeps at most `retainRevisions` revisions and nothing
  /// older than `retainSeconds` (either bound may be nil), as etcd compacts: a change is
  /// dropped when a later change of the same object supersedes it within the compacted
  /// range, or when it is a deletion; the latest state of each object is kept, so lists
  /// continued from any retained revision stay consistent. Works in batches of
  /// `batchRevisions` revisions, one short write transaction each, so writers never wait
  /// long. Returns the number of changes dropped. A dropped change keeps its row, without
  /// its body: the row is the audit trail's record of that write.
  @discardableResult
  public func compact(
    retainRevisions: Int64? = nil, retainSeconds: Double? = nil, batchRevisions: Int64 = 2_000
  ) throws(StoreError) -> Int {
    let now = configuration.clock()
    let (current, compacted, ageCut) = try read { db in
      let current =
        try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'revision'") ?? 0
      let compacted =
        try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'compacted'") ?? 0
      var ageCut: Int64 = 0
      if let retainSeconds {
        ageCut =
          try Int64.fetchOne(
            db, sql: "SELECT MAX(rv) FROM changes WHERE time < ?",
            arguments: [now - retainSeconds]) ?? 0
      }
      return (current, compacted, ageCut)
    }
    var target = compacted
    if let retainRevisions { target = max(target, current - retainRevisions) }
    target = max(target, ageCut)
    target = min(target, current)
    guard target > compacted else { return 0 }
    // Raise the floor first: from here on nothing may read below `target`, so rows a later
    // change supersedes anywhere up to `target` can go, batch by batch.
    let floor = target
    try writeMaintenance { db in
      try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'compacted'", arguments: [floor])
    }
    var removed = 0
    var from = compacted
    while from < target {
      let to = min(target, from + batchRevisions)
      let lower = from
      removed += try writeMaintenance { db in
        try db.execute(
          sql: """
            UPDATE changes SET data = X''
            WHERE rv > ? AND rv <= ? AND length(data) > 0 AND (type = 'DELETED' OR EXISTS (
              SELECT 1 FROM changes n WHERE n.obj = changes.obj
              AND n.rv > changes.rv AND n.rv <= ?))
            """, arguments: [lower, to, floor])
        return db.changesCount
      }
      from = to
    }
    return removed
  }

  /// SQLite's integrity check plus the store's own invariants; `[]` when all is well,
  /// otherwise one line per problem.
  public func check() throws(StoreError) -> [String] {
    try read { db in
      var problems = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
      let revision =
        try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'revision'") ?? 0
      let maxChange = try Int64.fetchOne(db, sql: "SELECT MAX(rv) FROM changes") ?? 0
      let maxObject = try Int64.fetchOne(db, sql: "SELECT MAX(rv) FROM objects") ?? 0
      if maxChange > revision || maxObject > revision {
        problems.append(
          "revision \(revision) is behind the data (changes up to \(maxChange), objects up to \(maxObject))"
        )
      }
      let orphanLabels =
        try Int.fetchOne(
          db,
          sql: """
            SELECT COUNT(*) FROM labels l WHERE NOT EXISTS (SELECT 1 FROM objects o
            WHERE o.id = l.obj)
            """) ?? 0
      if orphanLabels > 0 { problems.append("\(orphanLabels) label rows without their object") }
      // Every object's label rows are exactly its labels (selectors start from them).
      var found = 0
      var unindexed = 0
      let labelRow = try db.cachedStatement(
        sql: "SELECT 1 FROM labels WHERE key = ? AND value = ? AND obj = ?")
      let objects = try Row.fetchCursor(db, sql: "SELECT id, data FROM objects")
      while let row = try objects.next() {
        let id: Int64 = row[0]
        for (k, v) in SQLiteTransaction.labelRows(try StoredObject.decode(row[1])) {
          if try Bool.fetchOne(labelRow, arguments: [k, v, id]) == true {
            found += 1
          } else {
            unindexed += 1
          }
        }
      }
      if unindexed > 0 { problems.append("\(unindexed) object labels without their label row") }
      let labelRows = try Int.fetchOne(db, sql: "SELECT count(*) FROM labels") ?? 0
      let stale = labelRows - found - orphanLabels
      if stale > 0 { problems.append("\(stale) label rows that their object no longer has") }
      let compacted =
        try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'compacted'") ?? 0
      // Each object's history is read by its row id from its latest change on.
      let unlinked =
        try Int.fetchOne(
          db,
          sql: """
            SELECT count(*) FROM objects o WHERE NOT EXISTS (SELECT 1 FROM changes c
            WHERE c.rv = o.rv AND c.obj = o.id AND c.grp = o.grp AND c.resource = o.resource
            AND c.namespace = o.namespace AND c.name = o.name)
            """) ?? 0
      if unlinked > 0 {
        problems.append(
          "\(unlinked) objects whose change at their revision is missing or names another object")
      }
      let bodiless = try ChangeBody.missing(db, compacted: compacted)
      if bodiless > 0 {
        problems.append(
          "\(bodiless) change log rows whose body is neither theirs nor their object's")
      }
      return problems
    }
  }

  /// Copies the store, while it runs, to a new SQLite file at `destination` (SQLite's
  /// online backup API: a consistent snapshot).
  public func backup(to destination: String) throws(StoreError) {
    guard !FileManager.default.fileExists(atPath: destination) else {
      throw .storage("\(destination) already exists")
    }
    do {
      let target = try DatabaseQueue(path: destination)
      try pool.backup(to: target)
      try target.close()
    } catch {
      throw .storage("backup to \(destination) failed: \(error)")
    }
  }

  /// Replaces the store at `path` with the backup at `backup`, after checking the backup's
  /// integrity. The daemon using `path` must be stopped.
  public static func restore(from backup: String, to path: String) throws(StoreError) {
    do {
      var readOnly = GRDB.Configuration()
      readOnly.readonly = true
      let source = try DatabaseQueue(path: backup, configuration: readOnly)
      let problems = try source.read { db in
        try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
      }
      guard problems.isEmpty else {
        throw StoreError.storage(
          "\(backup) fails the integrity check: \(problems.joined(separator: "; "))")
      }
      let target = try DatabasePool(path: path)
      try source.backup(to: target)
      try target.close()
      try source.close()
    } catch let e as StoreError {
      throw e
    } catch {
      throw .storage("restore from \(backup) failed: \(error)")
    }
  }

  /// Runs `body` in its own write transaction (maintenance work: no revision, no events).
  /// Frees the writer connection's page cache; SQLite reads pages back from the OS cache
  /// as writes need them. The daemon calls it after appending to the request trail, whose
  /// pages no write reads again but which would otherwise fill the writer's 64 MiB cache.
  public func releaseWriterCache() throws(StoreError) {
    do {
      try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA shrink_memory") }
    } catch {
      throw .storage("\(error)")
    }
  }

  /// The bytes of the writer connection's page cache (`SQLITE_DBSTATUS_CACHE_USED`).
  func writerCacheBytes() -> Int {
    pool.writeWithoutTransaction { db in
      var current: Int32 = 0
      var highest: Int32 = 0
      sqlite3_db_status(db.sqliteConnection, SQLITE_DBSTATUS_CACHE_USED, &current, &highest, 0)
      return Int(current)
    }
  }

  func writeMaintenance<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
    do {
      return try pool.writeWithoutTransaction { db in
        var result: T?
        try db.inTransaction(.immediate) {
          result = try body(db)
          return .commit
        }
        return result!
      }
    } catch {
      throw .storage("\(error)")
    }
  }
}
