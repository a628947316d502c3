import Foundation
import Objects
import Reconcile

/// `SyncAccess` through a running daemon's Kubernetes-compatible API. The desired side of
/// drift comes from the daemon's `syncs/manifests` subresource (it owns the git mirrors).
struct APISyncAccess: SyncAccess {
  let client: APIClient
  static let syncsPath = "/apis/gitops.mooring.dev/v1alpha1"

  func syncs() async throws -> [Object] {
    let list = try await client.get(Self.syncsPath + "/syncs")
    return try (list["items"]?.listValue ?? []).map { item in
      var object = try Object(item)
      if object.kind == nil {
        object.value["apiVersion"] = "gitops.mooring.dev/v1alpha1"
        object.value["kind"] = "Sync"
      }
      return object
    }
  }

  func live(_ kind: GroupVersionKind, namespace: String?, name: String) async throws -> Object? {
    let base = kind.group.isEmpty ? "/api/\(kind.version)" : "/apis/\(kind.group)/\(kind.version)"
    let resources = try await client.get(base)["resources"]?.listValue ?? []
    guard
      let resource = resources.first(where: {
        $0["kind"]?.stringValue == kind.kind && $0["name"]?.stringValue?.contains("/") == false
      }), let plural = resource["name"]?.stringValue
    else { return nil }
    let scoped =
      resource["namespaced"]?.boolValue == true
      ? "\(base)/namespaces/\(namespace ?? "default")/\(plural)/\(name)"
      : "\(base)/\(plural)/\(name)"
    let response = try await client.send("GET", scoped)
    if response.status == 404 { return nil }
    return try Object(try APIClient.document(response, "GET \(scoped)"))
  }

  func desired(_ sync: Object) async throws -> [String: Object] {
    let path =
      "\(Self.syncsPath)/namespaces/\(sync.namespace ?? "")/syncs/\(sync.name ?? "")/manifests"
    let list = try await client.get(path)
    var out: [String: Object] = [:]
    for item in list["items"]?.listValue ?? [] {
      guard let object = try? Object(item) else { continue }
      out[inventoryID(object)] = object
    }
    return out
  }

  func requestReconcile(namespace: String, name: String, stamp: String) async throws {
    let sync = "\(Self.syncsPath)/namespaces/\(namespace)/syncs/\(name)"
    let patch: Value = [
      "metadata": ["annotations": .map(ValueMap([(SyncLabels.requestedAt, .string(stamp))]))]
    ]
    let current = try Object(try await client.get(sync))
    if let source = current.spec?["sourceRef"]?["name"]?.stringValue {
      let sourceNamespace = current.spec?["sourceRef"]?["namespace"]?.stringValue ?? namespace
      _ = try? await client.mergePatch(
        "\(Self.syncsPath)/namespaces/\(sourceNamespace)/gitrepositories/\(source)", patch)
    }
    _ = try await client.mergePatch(sync, patch)
  }
}
