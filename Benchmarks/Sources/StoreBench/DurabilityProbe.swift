import GRDB

/// The `synchronous` level SQLiteStore's writer connection ends up with: opens a
/// DatabasePool the way `SQLiteStore.init` does (`PRAGMA synchronous = FULL` in
/// `prepareDatabase`) and reads it back on the writer. 2 is FULL, 1 is NORMAL.
func storeWriterSynchronous(path: String) -> Int {
  var config = GRDB.Configuration()
  config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
  do {
    let pool = try DatabasePool(path: path, configuration: config)
    return try pool.writeWithoutTransaction { db in
      try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
    }
  } catch {
    return -1
  }
}
