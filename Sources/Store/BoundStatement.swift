import Foundation
import GRDB
import GRDBSQLite

/// A cached statement bound and stepped through SQLite's C API. The store's per-object
/// inserts use it: GRDB's `StatementArguments` box every value of every call, which
/// showed in the batched-create profile. The statement is left reset after each run.
struct BoundStatement {
  private let handle: OpaquePointer
  private let connection: OpaquePointer?
  /// SQLITE_TRANSIENT: SQLite copies what is bound.
  private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

  init(_ statement: Statement, in db: Database) {
    handle = statement.sqliteStatement
    connection = db.sqliteConnection
    sqlite3_reset(handle)
  }

  func bind(_ index: Int32, _ text: String) {
    // A native string's bytes in place; a bridged one is made contiguous first.
    if text.utf8.withContiguousStorageIfAvailable({ bindUTF8(index, $0) }) != nil { return }
    var copy = text
    copy.withUTF8 { bindUTF8(index, $0) }
  }

  private func bindUTF8(_ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
    bytes.withMemoryRebound(to: CChar.self) { chars in
      if let base = chars.baseAddress {
        _ = sqlite3_bind_text(handle, index, base, Int32(chars.count), Self.transient)
      } else {
        // '' (a nil pointer would bind NULL).
        _ = sqlite3_bind_text(handle, index, "", 0, Self.transient)
      }
    }
  }

  func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }

  func bind(_ index: Int32, _ value: Bool) { sqlite3_bind_int64(handle, index, value ? 1 : 0) }

  func bind(_ index: Int32, _ value: Double) { sqlite3_bind_double(handle, index, value) }

  func bind(_ index: Int32, _ data: Data) {
    data.withUnsafeBytes { bytes in
      if let base = bytes.baseAddress, !bytes.isEmpty {
        _ = sqlite3_bind_blob(handle, index, base, Int32(bytes.count), Self.transient)
      } else {
        // X'' (a nil pointer would bind NULL).
        _ = sqlite3_bind_zeroblob(handle, index, 0)
      }
    }
  }

  /// Runs an INSERT; the rowid it gave its row (a `RETURNING` clause would buffer its
  /// rows in a temporary table first).
  func runInsert() throws -> Int64 {
    try run()
    return sqlite3_last_insert_rowid(connection)
  }

  /// Runs the statement to its end; the first column of its first row, if it returned
  /// rows (`RETURNING id`).
  @discardableResult
  func run() throws -> Int64? {
    defer { sqlite3_reset(handle) }
    var result: Int64?
    var code = sqlite3_step(handle)
    while code == SQLITE_ROW {
      if result == nil { result = sqlite3_column_int64(handle, 0) }
      code = sqlite3_step(handle)
    }
    guard code == SQLITE_DONE else {
      let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "SQLite error \(code)"
      throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
    }
    return result
  }
}
