import Foundation
import Objects

/// How the Sync commands (`status`, `drift`, `history`, `reconcile`) read and poke the
/// daemon's state: straight from the store file (`--data-dir`), or through a running
/// daemon's API (`--server`, `--kubeconfig`). Both answer the same questions.
protocol SyncAccess: Sendable {
  /// Every Sync.
  func syncs() async throws -> [Object]
  /// The live object of a kind and name; nil when it does not exist.
  func live(_ kind: GroupVersionKind, namespace: String?, name: String) async throws -> Object?
  /// What the Sync's last applied revision declares, by inventory id; empty when unreadable.
  func desired(_ sync: Object) async throws -> [String: Object]
  /// Marks the Sync (and its GitRepository) to be fetched and reconciled now.
  func requestReconcile(namespace: String, name: String, stamp: String) async throws
}

extension SyncAccess {
  /// The Syncs a `NAME` or `NAMESPACE/NAME` argument selects (every Sync for nil).
  func syncs(matching selector: String?) async throws -> [Object] {
    let all = try await syncs()
    guard let selector else { return all }
    return all.filter {
      "\($0.namespace ?? "")/\($0.name ?? "")" == selector || $0.name == selector
    }
  }
}

extension APIEndpoint {
  /// The API when `--server` or `--kubeconfig` is given, else the store at `location`.
  func access(or location: StoreLocation) throws -> any SyncAccess {
    isSet ? APISyncAccess(client: try client()) : try StoreSyncAccess(location)
  }
}
