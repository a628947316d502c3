import APIServer
import Admission
import Logging
import Objects
import Store
import Testing

/// GET of one object answers it as stored (sent as the stored bytes when they already
/// carry the asked apiVersion first), and with the apiVersion of the request otherwise.
@Suite struct ResourceGetTests {
  static let user = AdmissionUserInfo(username: "admin", groups: ["system:masters"])

  func get(_ handler: APIHandler, _ path: String) async throws -> Value {
    let response = await handler.handle(APIRequest(method: "GET", path: path, user: Self.user))
    #expect(response.status == 200, "\(String(decoding: response.bytes, as: UTF8.self))")
    return try JSON.decode(response.bytes)
  }

  @Test func answersTheStoredObjectInTheAskedVersion() async throws {
    let f = try RBACTestStore()
    try await f.namespace("default")
    let context = WriteContext(actor: "test", source: "test")
    let store = f.store
    var first = Object(apiVersion: "v1", kind: "ConfigMap", name: "a", namespace: "default")
    first.value["data"] = ["k": "v"]
    let a = try await store.create(first, context: context)
    // Keys in another order: no stored-bytes shortcut, the same answer.
    let reordered: Value = [
      "kind": "ConfigMap", "metadata": ["name": "b", "namespace": "default"],
      "apiVersion": "v1", "data": ["k": "w"],
    ]
    _ = try await store.create(try Object(reordered), context: context)
    let schema: Value = [
      "openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
    ]
    let crd: Value = [
      "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
      "metadata": ["name": "widgets.example.com"],
      "spec": [
        "group": "example.com", "scope": "Namespaced",
        "names": ["plural": "widgets", "singular": "widget", "kind": "Widget"],
        "versions": [
          ["name": "v1", "served": true, "storage": true, "schema": schema],
          ["name": "v2", "served": true, "storage": false, "schema": schema],
        ],
      ],
    ]
    _ = try await store.create(try Object(crd), context: context)
    var widget = Object(
      apiVersion: "example.com/v1", kind: "Widget", name: "w", namespace: "default")
    widget.value["size"] = 3
    _ = try await store.create(widget, context: context)

    let handler = APIHandler(
      store: store, serverAddress: "127.0.0.1:0", mooringVersion: "test",
      logger: Logger(label: "test"))
    let gotA = try await get(handler, "/api/v1/namespaces/default/configmaps/a")
    #expect(gotA == a.value)
    let gotB = try await get(handler, "/api/v1/namespaces/default/configmaps/b")
    #expect(gotB["apiVersion"] == "v1")
    #expect(gotB["kind"] == "ConfigMap")
    #expect(gotB["data"] == ["k": "w"])
    let v1 = try await get(handler, "/apis/example.com/v1/namespaces/default/widgets/w")
    #expect(v1["apiVersion"] == "example.com/v1")
    #expect(v1["size"] == 3)
    let v2 = try await get(handler, "/apis/example.com/v2/namespaces/default/widgets/w")
    #expect(v2["apiVersion"] == "example.com/v2")
    #expect(v2["kind"] == "Widget")
    #expect(v2["size"] == 3)
    let missing = await handler.handle(
      APIRequest(
        method: "GET", path: "/api/v1/namespaces/default/configmaps/nope", user: Self.user))
    #expect(missing.status == 404)
  }
}
