import Foundation
import Objects
import Reconcile
import Store

/// `SyncAccess` on the store file of a daemon's data directory (works while it runs).
struct StoreSyncAccess: SyncAccess {
  let store: SQLiteStore
  /// The data directory: the git mirrors are in DIR/git.
  let dataDirectory: String

  init(_ location: StoreLocation) throws {
    store = try location.open()
    dataDirectory = (location.path as NSString).deletingLastPathComponent
  }

  func syncs() async throws -> [Object] {
    try await store.list(SyncReconciler.syncs, ListOptions()).items
  }

  func live(_ kind: GroupVersionKind, namespace: String?, name: String) async throws -> Object? {
    guard let type = store.registry.type(for: kind) else { return nil }
    return try? await store.get(
      ObjectKey(type.groupResource, namespace: type.namespaced ? namespace : nil, name: name))
  }

  func desired(_ sync: Object) async throws -> [String: Object] {
    await DesiredManifests(
      store: store, mirrorsDirectory: (dataDirectory as NSString).appendingPathComponent("git")
    ).objects(of: sync)
  }

  func requestReconcile(namespace: String, name: String, stamp: String) async throws {
    let context = WriteContext(actor: "mooring-cli", source: "mooring reconcile")
    var object = try await store.get(
      ObjectKey(SyncReconciler.syncs, namespace: namespace, name: name))
    if let source = object.spec?["sourceRef"]?["name"]?.stringValue {
      let sourceNamespace = object.spec?["sourceRef"]?["namespace"]?.stringValue ?? namespace
      let key = ObjectKey(
        GitRepositoryReconciler.repositories, namespace: sourceNamespace, name: source)
      if var repository = try? await store.get(key) {
        repository.annotations[SyncLabels.requestedAt] = stamp
        _ = try await store.update(repository, context: context)
      }
    }
    object.annotations[SyncLabels.requestedAt] = stamp
    _ = try await store.update(object, context: context)
  }
}
