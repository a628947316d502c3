import Foundation
import Objects
import Store
import Testing
import YAML

@Suite struct StoreCRDTests {
  static let crd = """
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata:
      name: widgets.example.com
    spec:
      group: example.com
      scope: Namespaced
      names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
      versions:
      - name: v1beta1
        served: true
        storage: false
      - name: v1
        served: true
        storage: true
        subresources: {status: {}}
        selectableFields: [{jsonPath: .spec.color}]
    """

  /// As in kube-apiserver: where a CRD's objects are stored depends on its scope.
  @Test func aCRDsScopeIsImmutable() async throws {
    let f = try StoreFixture()
    var crd = try await f.store.create(
      try Object(YAMLDecoder().decode(Array(Self.crd.utf8))[0].value), context: f.admin)
    crd.value[path: "spec.scope"] = "Cluster"
    let error = await storeError { _ = try await f.store.update(crd, context: f.admin) }
    guard case .invalid(_, let causes)? = error else {
      Issue.record("expected Invalid, got \(String(describing: error))")
      return
    }
    #expect(causes.map(\.field.description) == ["spec.scope"])
    #expect(causes.first?.detail == "field is immutable")
  }

  @Test func aCRDRegistersItsKindAndDeletingItRemovesObjects() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let crd = try Object(YAMLDecoder().decode(Array(Self.crd.utf8))[0].value)
    _ = try await f.store.create(crd, context: f.admin)
    let widgets = GroupResource(group: "example.com", resource: "widgets")
    let type = try #require(await f.store.registry.type(for: widgets))
    #expect(type.versions == ["v1", "v1beta1"])
    #expect(type.hasStatusSubresource)
    #expect(type.selectableFields == ["spec.color"])
    #expect(await f.store.registry.resolve("wd")?.kind == "Widget")
    for (name, color) in [("a", "red"), ("b", "blue")] {
      var w = Object(
        apiVersion: "example.com/v1beta1", kind: "Widget", name: name, namespace: "default")
      w.spec = ["color": .string(color)]
      _ = try await f.store.create(w, context: f.admin)
    }
    let red = try await f.store.list(
      widgets, ListOptions(fieldSelector: try FieldSelector(parsing: "spec.color=red")))
    #expect(red.items.map(\.name) == ["a"])
    // Reopening finds the kind again.
    let reopened = try SQLiteStore(path: f.path)
    #expect(await reopened.registry.type(for: widgets) != nil)
    _ = try await f.store.delete(
      ObjectKey(
        BuiltinTypes.customResourceDefinitions, namespace: nil, name: "widgets.example.com"),
      options: DeleteOptions(), context: f.admin)
    try f.store.collectGarbage()
    #expect(await f.store.registry.type(for: widgets) == nil)
    await #expect(throws: StoreError.self) {
      try await f.store.create(
        Object(apiVersion: "example.com/v1", kind: "Widget", name: "c", namespace: "default"),
        context: f.admin)
    }
    let again = try await f.store.create(crd, context: f.admin)
    #expect(again.name == "widgets.example.com")
    #expect(try await f.store.list(widgets, ListOptions()).items.isEmpty)
  }

  /// A second process (another store on the same file: the CLI beside the daemon) sees a
  /// CRD the first one created once it refreshes, and can write its kind.
  @Test func anotherProcessesCRDIsRegisteredOnRefresh() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let other = try SQLiteStore(path: f.path)
    let widgets = GroupResource(group: "example.com", resource: "widgets")
    let crd = try Object(YAMLDecoder().decode(Array(Self.crd.utf8))[0].value)
    _ = try await f.store.create(crd, context: f.admin)
    #expect(await other.registry.type(for: widgets) == nil)
    #expect(try other.refreshFromDisk() > 0)
    #expect(await other.registry.type(for: widgets)?.kind == "Widget")
    let w = Object(apiVersion: "example.com/v1", kind: "Widget", name: "w", namespace: "default")
    _ = try await other.create(w, context: f.admin)
    _ = try await f.store.delete(
      ObjectKey(
        BuiltinTypes.customResourceDefinitions, namespace: nil, name: "widgets.example.com"),
      options: DeleteOptions(), context: f.admin)
    _ = try f.store.collectGarbage()
    #expect(await f.store.registry.type(for: widgets) == nil)
    _ = try other.refreshFromDisk()
    #expect(await other.registry.type(for: widgets) == nil)
  }

  @Test func brokenCRDsAreRefusedWithPaths() async throws {
    let f = try StoreFixture()
    var crd = try Object(YAMLDecoder().decode(Array(Self.crd.utf8))[0].value)
    crd.value[path: "spec.versions[0].storage"] = true
    crd.value[path: "spec.scope"] = "Everywhere"
    let error = await storeError { _ = try await f.store.create(crd, context: f.admin) }
    guard case .invalid(_, let errors)? = error else {
      Issue.record("accepted a broken CRD: \(String(describing: error))")
      return
    }
    #expect(errors.map(\.field.description).sorted() == ["spec.scope", "spec.versions"])
  }
}
