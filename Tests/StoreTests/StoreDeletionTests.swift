import Foundation
import Objects
import Store
import Testing
import YAML

@Suite struct StoreDeletionTests {
  func owned(_ name: String, by owner: Object, in namespace: String = "default") -> Object {
    var object = Object(apiVersion: "v1", kind: "ConfigMap", name: name, namespace: namespace)
    object.ownerReferences = [
      OwnerReference(
        apiVersion: owner.apiVersion ?? "", kind: owner.kind ?? "", name: owner.name ?? "",
        uid: owner.uid ?? "")
    ]
    return object
  }

  @Test func finalizersHoldTheObjectUntilRemoved() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    var cm = Object(apiVersion: "v1", kind: "ConfigMap", name: "a", namespace: "default")
    cm.finalizers = ["example.com/cleanup"]
    _ = try await f.store.create(cm, context: f.admin)
    let marked = try #require(
      try await f.store.delete(cmKey("a"), options: DeleteOptions(), context: f.admin))
    #expect(marked.deletionTimestamp != nil)
    var adding = marked
    adding.finalizers.append("example.com/other")
    await #expect(throws: StoreError.self) { try await f.store.update(adding, context: f.admin) }
    var done = marked
    done.finalizers = []
    _ = try await f.store.update(done, context: f.admin)
    await #expect(throws: StoreError.notFound(cmKey("a"))) { try await f.store.get(cmKey("a")) }
  }

  @Test func backgroundCollectionDeletesDependents() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let owner = try await f.configMap("owner")
    _ = try await f.store.create(owned("child", by: owner), context: f.admin)
    let other = try await f.configMap("other-owner")
    var shared = owned("shared", by: owner)
    shared.ownerReferences.append(
      OwnerReference(apiVersion: "v1", kind: "ConfigMap", name: "other-owner", uid: other.uid!))
    _ = try await f.store.create(shared, context: f.admin)
    #expect(
      try await f.store.delete(cmKey("owner"), options: DeleteOptions(), context: f.admin) == nil)
    #expect(try await f.store.get(cmKey("child")).name == "child")  // not yet: background
    #expect(try f.store.collectGarbage() > 0)
    await #expect(throws: StoreError.notFound(cmKey("child"))) {
      try await f.store.get(cmKey("child"))
    }
    let survivor = try await f.store.get(cmKey("shared"))
    #expect(survivor.ownerReferences.map(\.name) == ["other-owner"])
    let trail = try f.store.audit(AuditQuery(name: "child"))
    #expect(trail.first?.actor == SQLiteStore.collectorIdentity.actor)
  }

  @Test func automaticCollectionRunsAfterDeletes() async throws {
    let f = try StoreFixture { $0.automaticGarbageCollection = true }
    try await f.namespace("default")
    let owner = try await f.configMap("owner")
    _ = try await f.store.create(owned("child", by: owner), context: f.admin)
    _ = try await f.store.delete(cmKey("owner"), options: DeleteOptions(), context: f.admin)
    var gone = false
    for _ in 0..<100 where !gone {
      do { _ = try await f.store.get(cmKey("child")) } catch { gone = true }
      if !gone { try await Task.sleep(for: .milliseconds(20)) }
    }
    #expect(gone)
  }

  @Test func foregroundWaitsForDependents() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let owner = try await f.configMap("owner")
    var child = owned("child", by: owner)
    child.finalizers = ["example.com/hold"]
    _ = try await f.store.create(child, context: f.admin)
    let marked = try #require(
      try await f.store.delete(
        cmKey("owner"), options: DeleteOptions(propagation: .foreground), context: f.admin))
    #expect(marked.finalizers == ["foregroundDeletion"])
    try f.store.collectGarbage()
    // The child is terminating but held by its finalizer, so the owner stays.
    #expect(try await f.store.get(cmKey("child")).deletionTimestamp != nil)
    #expect(try await f.store.get(cmKey("owner")).deletionTimestamp != nil)
    var release = try await f.store.get(cmKey("child"))
    release.finalizers = []
    _ = try await f.store.update(release, context: f.admin)
    try f.store.collectGarbage()
    await #expect(throws: StoreError.notFound(cmKey("owner"))) {
      try await f.store.get(cmKey("owner"))
    }
  }

  @Test func orphanKeepsDependents() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let owner = try await f.configMap("owner")
    _ = try await f.store.create(owned("child", by: owner), context: f.admin)
    _ = try await f.store.delete(
      cmKey("owner"), options: DeleteOptions(propagation: .orphan), context: f.admin)
    try f.store.collectGarbage()
    await #expect(throws: StoreError.notFound(cmKey("owner"))) {
      try await f.store.get(cmKey("owner"))
    }
    let child = try await f.store.get(cmKey("child"))
    #expect(child.ownerReferences.isEmpty)
  }

  /// Content of every kind goes (a built-in one, another, a custom resource); the same
  /// names in another Namespace stay.
  @Test func deletingANamespaceDeletesItsContent() async throws {
    let f = try StoreFixture()
    try await f.namespace("team")
    try await f.namespace("other")
    try await f.configMap("a", in: "team")
    try await f.configMap("b", in: "team")
    try await f.configMap("a", in: "other")
    let crd = try Object(YAMLDecoder().decode(Array(StoreCRDTests.crd.utf8))[0].value)
    _ = try await f.store.create(crd, context: f.admin)
    let widgets = GroupResource(group: "example.com", resource: "widgets")
    for ns in ["team", "other"] {
      _ = try await f.store.create(
        Object(apiVersion: "example.com/v1", kind: "Widget", name: "w", namespace: ns),
        context: f.admin)
      _ = try await f.store.create(
        Object(apiVersion: "v1", kind: "ServiceAccount", name: "robot", namespace: ns),
        context: f.admin)
    }
    let terminating = try #require(
      try await f.store.delete(
        ObjectKey(namespaces, namespace: nil, name: "team"), options: DeleteOptions(),
        context: f.admin))
    #expect(terminating.value["status"]?["phase"] == "Terminating")
    await #expect(throws: StoreError.self) { try await f.configMap("c", in: "team") }
    try f.store.collectGarbage()
    let serviceAccounts = GroupResource(group: "", resource: "serviceaccounts")
    for kind in [configMaps, widgets, serviceAccounts] {
      let left = try await f.store.list(kind, ListOptions(namespace: "team"))
      #expect(left.items.isEmpty, "\(kind.resource) left in team")
      let kept = try await f.store.list(kind, ListOptions(namespace: "other"))
      #expect(kept.items.count == 1, "\(kind.resource) in other")
    }
    await #expect(throws: StoreError.notFound(ObjectKey(namespaces, namespace: nil, name: "team")))
    {
      try await f.store.get(ObjectKey(namespaces, namespace: nil, name: "team"))
    }
  }

  /// Another process registered a kind and put an object of it in the Namespace: this
  /// store's next write reads the kind, and the Namespace's deletion takes the object.
  @Test func aNamespaceDeletionTakesKindsAnotherProcessRegistered() async throws {
    let f = try StoreFixture()
    try await f.namespace("team")
    let other = try SQLiteStore(path: f.path)
    let crd = try Object(YAMLDecoder().decode(Array(StoreCRDTests.crd.utf8))[0].value)
    _ = try await other.create(crd, context: f.admin)
    _ = try await other.create(
      Object(apiVersion: "example.com/v1", kind: "Widget", name: "w", namespace: "team"),
      context: f.admin)
    let widgets = GroupResource(group: "example.com", resource: "widgets")
    let team = ObjectKey(namespaces, namespace: nil, name: "team")
    _ = try await f.store.delete(team, options: DeleteOptions(), context: f.admin)
    try f.store.collectGarbage()
    #expect(await storeError { _ = try await f.store.get(team) } == .notFound(team))
    #expect(try await other.list(widgets, ListOptions(namespace: "team")).items.isEmpty)
    #expect(try f.store.check() == [])
  }

  /// A transaction remembers the Namespaces it found active, but not past a write to one:
  /// deleting a Namespace and then creating into it in the same transaction still fails,
  /// and nothing of the transaction is kept.
  @Test func namespaceDeletedInTheSameTransactionRefusesNewContent() async throws {
    let f = try StoreFixture()
    try await f.namespace("team")
    func configMap(_ name: String) -> Object {
      Object(apiVersion: "v1", kind: "ConfigMap", name: name, namespace: "team")
    }
    let error = await storeError {
      _ = try await f.store.transaction(context: f.admin) { tx throws(StoreError) in
        _ = try tx.create(configMap("a"))
        _ = try tx.delete(
          ObjectKey(namespaces, namespace: nil, name: "team"), options: DeleteOptions())
        _ = try tx.create(configMap("b"))
      }
    }
    #expect(error != nil)
    let left = try await f.store.list(configMaps, ListOptions(namespace: "team"))
    #expect(left.items.isEmpty)
    #expect(
      try await f.store.get(ObjectKey(namespaces, namespace: nil, name: "team")).name == "team")
    // Many objects into one Namespace in one transaction: all land.
    _ = try await f.store.transaction(context: f.admin) { tx throws(StoreError) in
      for i in 0..<50 { _ = try tx.create(configMap("c\(i)")) }
    }
    #expect(try await f.store.list(configMaps, ListOptions(namespace: "team")).items.count == 50)
  }

  @Test func precondition() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    try await f.configMap("a")
    await #expect(throws: StoreError.self) {
      try await f.store.delete(
        cmKey("a"), options: DeleteOptions(preconditionResourceVersion: "1"), context: f.admin)
    }
    #expect(try await f.store.get(cmKey("a")).name == "a")
  }
}
