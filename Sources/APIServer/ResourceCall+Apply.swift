import Foundation
import Objects
import Store

extension ResourceCall {
  /// Server-side apply (`application/apply-patch+yaml`): creates the object when it is
  /// missing, otherwise merges the applied configuration into it.
  func apply() async throws -> APIResponse {
    let applied = try conform(try decodeBody(), name: path.name)
    let live: Object
    do {
      live = try await store.get(key)
    } catch {
      guard case .notFound = error else { throw error }
      let (admitted, warnings) = try await admit(.create, applied, old: nil)
      let object = try object(admitted ?? applied)
      let created: Object
      if request.dryRun {
        created = try store.dryRun(context: context) { (tx) throws(StoreError) in
          try tx.create(object)
        }
      } else {
        created = try await store.create(object, context: context)
      }
      return .json(present(created), status: 201, warnings: warnings)
    }
    return try await write(JSONMergePatch.apply(applied, to: live.value), live: live)
  }
}

/// Keeps `metadata.managedFields` for non-apply writes.
enum ManagedFieldsTracker {
  static func update(
    _ value: Value, old: Value?, manager: String?, apiVersion: String, subresource: String? = nil
  ) -> Value {
    value
  }
}
