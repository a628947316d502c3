import Foundation
import GRDB
import Objects

/// Encoding of objects in the store's rows, and RFC 3339 timestamps.
enum StoredObject {
  static func encode(_ object: Object) -> Data { Data(JSON.encodeBytes(object.value)) }

  static func decode(_ data: Data) throws(StoreError) -> Object {
    do {
      return try Object(JSON.decode([UInt8](data)))
    } catch {
      throw .storage("corrupt object row: \(error)")
    }
  }

  /// `2026-11-25T10:00:00Z` for `seconds` since 1970.
  static func timestamp(_ seconds: Double) -> String { Timestamp.string(seconds) }

  /// The storage key's namespace column: "" for cluster-scoped objects.
  static func namespaceColumn(_ key: ObjectKey) -> String { key.namespace ?? "" }
}
