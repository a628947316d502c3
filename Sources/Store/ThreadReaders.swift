import Foundation
import GRDBSQLite
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// SQLite connections of their own for the threads that read one object by key (the API's
/// GETs, on its event loops and on the concurrency pool): one per thread, used only by that thread, with the
/// object-by-key statement prepared once. Through GRDB's reader pool the read cost less
/// than getting to it (a dispatch queue hop, a pool checkout, a lock).
///
/// At most `limit` threads get a connection; others, and any failure to open or read,
/// get `.unavailable` and take the pool. The connections close with the store.
final class ThreadReaders: Sendable {
  enum Result {
    case found(Data)
    case missing
    case unavailable
  }

  /// A connection and its prepared statement, as addresses (each used by one thread).
  private struct Reader: Sendable {
    var connection: UInt
    var statement: UInt
  }

  private let path: String
  private let limit: Int
  private let readers = Mutex<[UInt: Reader]>([:])
  /// SQLITE_TRANSIENT: SQLite copies what is bound.
  private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
  static let sql =
    "SELECT data FROM objects WHERE grp = ? AND resource = ? AND namespace = ? AND name = ?"

  init(path: String, limit: Int = 8) {
    self.path = path
    self.limit = limit
  }

  deinit {
    for reader in readers.withLock({ Array($0.values) }) {
      sqlite3_finalize(OpaquePointer(bitPattern: reader.statement))
      sqlite3_close_v2(OpaquePointer(bitPattern: reader.connection))
    }
  }

  /// The stored bytes of the object with this key, read on the calling thread.
  func read(group: String, resource: String, namespace: String, name: String) -> Result {
    let thread = UInt(pthread_self())
    guard let reader = readers.withLock({ $0[thread] }) ?? open(for: thread),
      let statement = OpaquePointer(bitPattern: reader.statement)
    else { return .unavailable }
    defer {
      sqlite3_reset(statement)
      sqlite3_clear_bindings(statement)
    }
    for (index, text) in [group, resource, namespace, name].enumerated() {
      var text = text
      let rc = text.withUTF8 { bytes in
        bytes.withMemoryRebound(to: CChar.self) { chars in
          // '' binds as an empty text (a nil pointer would bind NULL).
          guard let base = chars.baseAddress else {
            return sqlite3_bind_text(statement, Int32(index + 1), "", 0, Self.transient)
          }
          return sqlite3_bind_text(
            statement, Int32(index + 1), base, Int32(chars.count), Self.transient)
        }
      }
      guard rc == SQLITE_OK else { return .unavailable }
    }
    switch sqlite3_step(statement) {
    case SQLITE_ROW:
      let count = Int(sqlite3_column_bytes(statement, 0))
      guard count > 0, let bytes = sqlite3_column_blob(statement, 0) else { return .found(Data()) }
      return .found(Data(bytes: bytes, count: count))
    case SQLITE_DONE:
      return .missing
    default:
      return .unavailable
    }
  }

  /// Opens this thread's connection, unless `limit` threads have one already.
  private func open(for thread: UInt) -> Reader? {
    guard readers.withLock({ $0.count }) < limit else { return nil }
    var connection: OpaquePointer?
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
    guard sqlite3_open_v2(path, &connection, flags, nil) == SQLITE_OK, let connection else {
      sqlite3_close_v2(connection)
      return nil
    }
    // Readers in WAL mode wait only on recovery; an event loop must not wait long.
    sqlite3_busy_timeout(connection, 50)
    var statement: OpaquePointer?
    guard sqlite3_exec(connection, "PRAGMA query_only = 1", nil, nil, nil) == SQLITE_OK,
      sqlite3_prepare_v3(
        connection, Self.sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        == SQLITE_OK,
      let statement
    else {
      sqlite3_finalize(statement)
      sqlite3_close_v2(connection)
      return nil
    }
    let reader = Reader(
      connection: UInt(bitPattern: Int(bitPattern: connection)),
      statement: UInt(bitPattern: Int(bitPattern: statement)))
    let kept = readers.withLock { readers -> Bool in
      guard readers.count < limit else { return false }
      readers[thread] = reader
      return true
    }
    guard kept else {
      sqlite3_finalize(statement)
      sqlite3_close_v2(connection)
      return nil
    }
    return reader
  }
}
