import Foundation
import Objects
import Store

/// A real SQLiteStore in a fresh temporary directory (removed when the fixture goes away),
/// with helpers that write RBAC objects.
final class RBACTestStore: Sendable {
  let directory: String
  let store: SQLiteStore
  let admin = WriteContext(actor: "admin", source: "test")

  /// `watchCapacity`: how far a store watcher may fall behind (the store's default if nil).
  init(watchCapacity: Int? = nil) throws {
    directory = NSTemporaryDirectory() + "mooring-rbac-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var configuration = SQLiteStore.Configuration()
    configuration.automaticGarbageCollection = false
    if let watchCapacity { configuration.watchCapacity = watchCapacity }
    store = try SQLiteStore(path: directory + "/store.db", configuration: configuration)
  }

  deinit { try? FileManager.default.removeItem(atPath: directory) }

  static let rbac = "rbac.authorization.k8s.io/v1"

  @discardableResult
  func create(_ value: Value) async throws -> Object {
    try await store.create(try Object(value), context: admin)
  }

  func namespace(_ names: String...) async throws {
    for name in names {
      _ = try await store.create(
        Object(apiVersion: "v1", kind: "Namespace", name: name), context: admin)
    }
  }

  func clusterRole(
    _ name: String, _ rules: [Value], labels: [String: String] = [:],
    aggregateLabels: [String: String]? = nil
  ) async throws {
    var metadata: ValueMap = ["name": .string(name)]
    if !labels.isEmpty {
      metadata["labels"] = .map(ValueMap(labels.map { ($0.key, Value.string($0.value)) }))
    }
    var object: ValueMap = [
      "apiVersion": .string(Self.rbac), "kind": "ClusterRole", "metadata": .map(metadata),
      "rules": .list(rules),
    ]
    if let aggregateLabels {
      let match = Value.map(ValueMap(aggregateLabels.map { ($0.key, Value.string($0.value)) }))
      object["aggregationRule"] = ["clusterRoleSelectors": [["matchLabels": match]]]
    }
    try await create(.map(object))
  }

  func role(_ name: String, in namespace: String, _ rules: [Value]) async throws {
    try await create([
      "apiVersion": .string(Self.rbac), "kind": "Role",
      "metadata": ["name": .string(name), "namespace": .string(namespace)], "rules": .list(rules),
    ])
  }

  func clusterRoleBinding(_ name: String, role: String, _ subjects: [Value]) async throws {
    try await create([
      "apiVersion": .string(Self.rbac), "kind": "ClusterRoleBinding",
      "metadata": ["name": .string(name)],
      "roleRef": [
        "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": .string(role),
      ],
      "subjects": .list(subjects),
    ])
  }

  func roleBinding(
    _ name: String, in namespace: String, roleKind: String = "ClusterRole", role: String,
    _ subjects: [Value]
  ) async throws {
    try await create([
      "apiVersion": .string(Self.rbac), "kind": "RoleBinding",
      "metadata": ["name": .string(name), "namespace": .string(namespace)],
      "roleRef": [
        "apiGroup": "rbac.authorization.k8s.io", "kind": .string(roleKind), "name": .string(role),
      ],
      "subjects": .list(subjects),
    ])
  }

  func delete(clusterRoleBinding name: String) async throws {
    _ = try await store.delete(
      ObjectKey(
        GroupResource(group: "rbac.authorization.k8s.io", resource: "clusterrolebindings"),
        namespace: nil, name: name),
      options: DeleteOptions(), context: admin)
  }
}

/// A PolicyRule as stored.
func rule(
  _ verbs: [String], groups: [String] = [], resources: [String] = [], names: [String] = [],
  urls: [String] = []
) -> Value {
  var m: ValueMap = ["verbs": .list(verbs.map(Value.string))]
  if !groups.isEmpty { m["apiGroups"] = .list(groups.map(Value.string)) }
  if !resources.isEmpty { m["resources"] = .list(resources.map(Value.string)) }
  if !names.isEmpty { m["resourceNames"] = .list(names.map(Value.string)) }
  if !urls.isEmpty { m["nonResourceURLs"] = .list(urls.map(Value.string)) }
  return .map(m)
}

func userSubject(_ name: String) -> Value {
  ["apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": .string(name)]
}

func groupSubject(_ name: String) -> Value {
  ["apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": .string(name)]
}

func serviceAccountSubject(_ name: String, namespace: String? = nil) -> Value {
  var m: ValueMap = ["kind": "ServiceAccount", "name": .string(name)]
  if let namespace { m["namespace"] = .string(namespace) }
  return .map(m)
}

let mooringGroup = "resourcemanager.mooring.dev"
