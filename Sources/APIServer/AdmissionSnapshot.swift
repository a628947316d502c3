import Admission
import Objects
import Store
import Synchronization

/// The store's admission configuration (CRDs, policies, bindings, namespaces and the
/// parameter objects policies name), compiled once per store revision and shared by
/// every request until the next write.
final class AdmissionSnapshots: Sendable {
  struct Snapshot: Sendable {
    var revision: Int64
    var source: AdmissionObjectSet
    var configuration: AdmissionConfiguration
    var customResourceDefinitions: [Object]
  }

  let store: SQLiteStore
  let chain: AdmissionChain
  private let current = Mutex<Snapshot?>(nil)

  init(store: SQLiteStore, chain: AdmissionChain) {
    self.store = store
    self.chain = chain
  }

  static let policies = GroupResource(
    group: "admissionregistration.k8s.io", resource: "validatingadmissionpolicies")
  static let bindings = GroupResource(
    group: "admissionregistration.k8s.io", resource: "validatingadmissionpolicybindings")

  /// The snapshot at the store's latest revision.
  func snapshot() async throws(StoreError) -> Snapshot {
    let revision = try await store.currentRevision()
    if let s = current.withLock({ $0 }), s.revision == revision { return s }
    var objects: [Value] = []
    var crds: [Object] = []
    for resource in [
      BuiltinTypes.customResourceDefinitions, Self.policies, Self.bindings,
      BuiltinTypes.namespaces,
    ] {
      let items = try await store.list(resource, ListOptions()).items
      if resource == BuiltinTypes.customResourceDefinitions { crds = items }
      objects += items.map(\.value)
    }
    // Parameter objects of every policy's paramKind.
    let registry = store.registry
    var seen = Set<GroupResource>()
    for policy in objects where policy["kind"]?.stringValue == "ValidatingAdmissionPolicy" {
      guard let apiVersion = policy[path: "spec.paramKind.apiVersion"]?.stringValue,
        let kind = policy[path: "spec.paramKind.kind"]?.stringValue
      else { continue }
      guard let gv = GroupVersion(parsing: apiVersion),
        let type = registry.type(
          for: GroupVersionKind(group: gv.group, version: gv.version, kind: kind)),
        seen.insert(type.groupResource).inserted,
        ![BuiltinTypes.namespaces, Self.policies, Self.bindings].contains(type.groupResource)
      else { continue }
      objects += try await store.list(type.groupResource, ListOptions()).items.map(\.value)
    }
    let source = AdmissionObjectSet(objects)
    let snapshot = Snapshot(
      revision: revision, source: source, configuration: chain.configuration(from: source),
      customResourceDefinitions: crds)
    current.withLock { $0 = snapshot }
    return snapshot
  }
}
