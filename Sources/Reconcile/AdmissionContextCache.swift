import Admission
import Objects
import Store
import Synchronization

/// The admission configuration plans run against (CRDs, policies, bindings and Namespaces
/// of the store, overlaid with a revision's own), cached across plans and Syncs.
///
/// Reading and compiling it for every plan made 1,000 small Syncs cost 1,000 listings of
/// every Namespace; now the store's part is read again only when a change mark of the
/// configuration kinds moves, and a compiled context is reused while the configuration is
/// equal (by content: a Sync applying its own Namespaces leaves its context as it was) and
/// no RBAC object was written.
final class AdmissionContextCache: Sendable {
  /// The kinds a plan's admission reads from the store.
  static let configurationResources: [GroupResource] = [
    BuiltinTypes.customResourceDefinitions,
    GroupResource(group: "admissionregistration.k8s.io", resource: "validatingadmissionpolicies"),
    GroupResource(
      group: "admissionregistration.k8s.io", resource: "validatingadmissionpolicybindings"),
    BuiltinTypes.namespaces,
  ]
  /// What else changes admission's answers: the RBAC the policies' `authorizer` consults.
  static let authorizationResources: [GroupResource] = [
    "roles", "rolebindings", "clusterroles", "clusterrolebindings",
  ].map { GroupResource(group: "rbac.authorization.k8s.io", resource: $0) }

  /// Identifies a context: equal keys give equal admission answers for equal requests.
  struct Key: Hashable, Sendable {
    /// The RBAC the `authorizer` of policies answers from.
    var authorization: ChangeMark
    /// Every configuration object admission reads, in order.
    var configuration: [Value]

    /// Hashes the mark and the number of objects only: hashing every object (1,000
    /// Namespaces) for each plan cost more than the plan. Equality still compares every
    /// object, cheaply when they share storage with the cached listing.
    func hash(into hasher: inout Hasher) {
      hasher.combine(authorization)
      hasher.combine(configuration.count)
    }
  }

  /// A compiled context.
  struct Context: Sendable {
    var key: Key
    var source: AdmissionObjectSet
    var configuration: AdmissionConfiguration
  }

  private struct State {
    var mark: ChangeMark?
    var storeObjects: [(id: String, value: Value)] = []
    var contexts: [Key: Context] = [:]
    /// Parameter objects by the kinds listed, with the mark they were read at.
    var params: [[GroupResource]: (mark: ChangeMark, objects: [(id: String, value: Value)])] =
      [:]
  }

  private let state = Mutex(State())
  /// Contexts kept: one per distinct configuration in use (Syncs that declare no
  /// configuration objects all share one).
  private let capacity = 16

  /// The store's configuration objects with their inventory ids, read again only when an
  /// object of the configuration kinds was written.
  func storeObjects(_ store: SQLiteStore) async -> [(id: String, value: Value)] {
    guard let mark = try? store.changeMark(of: Self.configurationResources) else {
      return await Self.list(store) ?? []
    }
    if let cached = state.withLock({ $0.mark == mark ? $0.storeObjects : nil }) {
      return cached
    }
    guard let objects = await Self.list(store) else { return await Self.list(store) ?? [] }
    state.withLock {
      $0.mark = mark
      $0.storeObjects = objects
    }
    return objects
  }

  /// The store's objects of `resources` (the kinds policies take parameters from), read
  /// again only when one of them was written.
  /// Also returns the kinds (sorted) and their change mark, nil when unknown.
  func paramObjects(_ store: SQLiteStore, _ resources: Set<GroupResource>) async -> (
    objects: [(id: String, value: Value)], mark: SyncPlanMemory.ParamMark?
  ) {
    guard !resources.isEmpty else { return ([], nil) }
    let kinds = resources.sorted { ($0.group, $0.resource) < ($1.group, $1.resource) }
    let mark = try? store.changeMark(of: kinds)
    let paramMark = mark.map { SyncPlanMemory.ParamMark(kinds: kinds, mark: $0) }
    if let mark, let hit = state.withLock({ $0.params[kinds] }), hit.mark == mark {
      return (hit.objects, paramMark)
    }
    var objects: [(id: String, value: Value)] = []
    for resource in kinds {
      guard let list = try? await store.list(resource, ListOptions()) else { continue }
      objects += list.items.map { (inventoryID($0), $0.value) }
    }
    if let mark {
      state.withLock {
        if $0.params.count >= capacity { $0.params.removeAll() }
        $0.params[kinds] = (mark, objects)
      }
    }
    return (objects, paramMark)
  }

  /// The mark of the RBAC kinds, part of every key.
  func authorizationMark(_ store: SQLiteStore) -> ChangeMark? {
    try? store.changeMark(of: Self.authorizationResources)
  }

  /// Every object of the configuration kinds, or nil when a read failed.
  private static func list(_ store: SQLiteStore) async -> [(id: String, value: Value)]? {
    var objects: [(id: String, value: Value)] = []
    for resource in configurationResources {
      guard let list = try? await store.list(resource, ListOptions()) else { return nil }
      objects += list.items.map { (inventoryID($0), $0.value) }
    }
    return objects
  }

  /// The compiled context for `key`, built by `make` when there is none.
  func context(_ key: Key, make: () -> Context) -> Context {
    if let hit = state.withLock({ $0.contexts[key] }) { return hit }
    let context = make()
    state.withLock {
      if $0.contexts.count >= capacity { $0.contexts.removeAll() }
      $0.contexts[key] = context
    }
    return context
  }
}
