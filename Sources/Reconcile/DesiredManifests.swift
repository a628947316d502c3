import Foundation
import Logging
import Objects
import Store

/// What a Sync's last applied revision declares: its manifests read again from the
/// daemon's git mirror, with the namespace and ownership marks the reconciler gives them.
/// Drift reports diff these against the live objects (`mooring drift`, locally or through
/// the API's `syncs/manifests` subresource). Admission defaults are not applied.
public struct DesiredManifests: Sendable {
  public let store: SQLiteStore
  /// Where the daemon keeps its bare mirrors (DATA_DIR/git).
  public let mirrorsDirectory: String

  public init(store: SQLiteStore, mirrorsDirectory: String) {
    self.store = store
    self.mirrorsDirectory = mirrorsDirectory
  }

  /// The objects by inventory id (`namespace_name_group_Kind`); empty when the Sync applied
  /// nothing yet or its mirror or commit cannot be read.
  public func objects(of sync: Object) async -> [String: Object] {
    guard let spec = try? SyncSpec(sync),
      let revision = sync.value[path: "status.lastAppliedRevision"]?.stringValue,
      let sha = revision.split(separator: ":").last.map(String.init), sha.count == 40
    else { return [:] }
    let key = ObjectKey(
      GitRepositoryReconciler.repositories, namespace: spec.sourceNamespace ?? sync.namespace,
      name: spec.sourceName)
    guard let repository = try? await store.get(key) else { return [:] }
    let reconciler = GitRepositoryReconciler(
      store: store, mirrorsDirectory: mirrorsDirectory,
      logger: Logger(label: "mooring.manifests"))
    guard let mirror = reconciler.mirror(for: repository), mirror.isCloned,
      let snapshot = try? mirror.snapshot(commit: sha, path: spec.path)
    else { return [:] }
    let registry = store.registry
    let owner = "\(sync.namespace ?? "")/\(sync.name ?? "")"
    var out: [String: Object] = [:]
    for desired in ManifestLoader().load(snapshot).objects {
      var object = desired.object
      if let type = registry.type(for: object.gvk) {
        BuiltinDefaults.apply(to: &object, type: type)
      }
      if registry.type(for: object.gvk)?.namespaced ?? true {
        if (object.namespace ?? "").isEmpty { object.namespace = spec.targetNamespace ?? "default" }
      } else {
        object.namespace = nil
      }
      object.labels[SyncLabels.syncName] = sync.name ?? ""
      object.labels[SyncLabels.syncNamespace] = sync.namespace ?? ""
      object.annotations[SyncLabels.owner] = owner
      out[inventoryID(object)] = object
    }
    return out
  }

  /// The same objects as a v1 `List` (items ordered by inventory id), the API's answer.
  public func list(of sync: Object) async -> Value {
    let objects = await objects(of: sync)
    return [
      "apiVersion": "v1", "kind": "List", "metadata": [:],
      "items": .list(objects.keys.sorted().compactMap { objects[$0]?.value }),
    ]
  }
}
