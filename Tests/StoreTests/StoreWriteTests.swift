import Foundation
import Objects
import Store
import Testing

@Suite struct StoreWriteTests {
  @Test func createSetsServerFields() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let cm = try await f.configMap("a", data: ["k": "v"])
    #expect(cm.uid?.count == 36)
    #expect(cm.generation == 1)
    #expect(cm.creationTimestamp?.hasSuffix("Z") == true)
    let rv = try #require(cm.resourceVersion.flatMap { Int64($0) })
    #expect(rv == (try await f.store.currentRevision()))
    let read = try await f.store.get(cmKey("a"))
    #expect(read == cm)
    #expect(read.value["data"]?["k"] == "v")
  }

  @Test func secretStringDataBecomesDataAndTypeDefaultsToOpaque() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    var secret = Object(apiVersion: "v1", kind: "Secret", name: "s", namespace: "default")
    secret.value["data"] = ["a": "eA=="]
    secret.value["stringData"] = ["b": "hi"]
    let created = try await f.store.create(secret, context: f.admin)
    #expect(created.value["data"] == ["a": "eA==", "b": "aGk="])
    #expect(created.value["stringData"] == nil)
    #expect(created.value["type"] == "Opaque")
    var typed = created
    typed.value["type"] = "kubernetes.io/basic-auth"
    typed.value["stringData"] = ["b": "changed"]
    let updated = try await f.store.update(typed, context: f.admin)
    #expect(updated.value["data"]?["b"] == "Y2hhbmdlZA==")
    #expect(updated.value["type"] == "kubernetes.io/basic-auth")
  }

  @Test func duplicateIsAlreadyExistsAndMissingNamespaceIsRefused() async throws {
    let f = try StoreFixture()
    await #expect(throws: StoreError.namespaceNotFound("default")) {
      try await f.configMap("a")
    }
    try await f.namespace("default")
    try await f.configMap("a")
    await #expect(throws: StoreError.alreadyExists(cmKey("a"))) {
      try await f.configMap("a")
    }
  }

  @Test func generateNameAndClusterScope() async throws {
    let f = try StoreFixture()
    var ns = Object(apiVersion: "v1", kind: "Namespace", name: "")
    ns.name = nil
    ns.generateName = "tenant-"
    ns.namespace = "ignored"
    let created = try await f.store.create(ns, context: f.admin)
    let name = try #require(created.name)
    #expect(name.hasPrefix("tenant-") && name.count == "tenant-".count + 5)
    #expect(created.namespace == nil)
    #expect(created.value["status"]?["phase"] == "Active")
    #expect(created.labels["kubernetes.io/metadata.name"] == name)
  }

  /// As kube-apiserver does, every Namespace carries its name as a label, which a write
  /// cannot remove or change.
  @Test func namespacesCarryTheirNameLabel() async throws {
    let f = try StoreFixture()
    let created = try await f.namespace("team")
    #expect(created.labels == ["kubernetes.io/metadata.name": "team"])
    var edited = created
    edited.labels = ["kubernetes.io/metadata.name": "other", "tier": "gold"]
    let updated = try await f.store.update(edited, context: f.admin)
    #expect(updated.labels == ["kubernetes.io/metadata.name": "team", "tier": "gold"])
    var stripped = updated
    stripped.labels = [:]
    let again = try await f.store.update(stripped, context: f.admin)
    #expect(again.labels == ["kubernetes.io/metadata.name": "team"])
    let selected = try await f.store.list(
      namespaces,
      ListOptions(labelSelector: try LabelSelector(parsing: "kubernetes.io/metadata.name=team")))
    #expect(selected.items.compactMap(\.name) == ["team"])
  }

  @Test func invalidObjectsAndUnknownKinds() async throws {
    let f = try StoreFixture()
    await #expect(
      throws: StoreError.noKind(GroupVersionKind(group: "x.io", version: "v1", kind: "Thing"))
    ) {
      try await f.store.create(
        Object(apiVersion: "x.io/v1", kind: "Thing", name: "a"), context: f.admin)
    }
    let badName = await storeError {
      _ = try await f.store.create(
        Object(apiVersion: "v1", kind: "ConfigMap", name: "Bad_Name", namespace: "default"),
        context: f.admin)
    }
    guard case .invalid(_, let errors)? = badName else {
      Issue.record("accepted an invalid name: \(String(describing: badName))")
      return
    }
    #expect(errors.map(\.field.description) == ["metadata.name"])
    let noNamespace = await storeError {
      _ = try await f.store.create(
        Object(apiVersion: "v1", kind: "ConfigMap", name: "a"), context: f.admin)
    }
    guard case .invalid(_, let errors2)? = noNamespace else {
      Issue.record("accepted a namespaced object without namespace")
      return
    }
    #expect(errors2.map(\.description) == ["metadata.namespace: Required value"])
  }

  @Test func updateBumpsGenerationOnlyForSpecAndRejectsStaleVersions() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let cm = try await f.configMap("a", data: ["k": "v"])
    var labelled = cm
    labelled.labels = ["team": "web"]
    let u1 = try await f.store.update(labelled, context: f.admin)
    #expect(u1.generation == 1)
    #expect(u1.resourceVersion != cm.resourceVersion)
    var changed = u1
    changed.value["data"] = ["k": "w"]
    let u2 = try await f.store.update(changed, context: f.admin)
    #expect(u2.generation == 2)
    // The first version is stale now.
    var stale = cm
    stale.value["data"] = ["k": "x"]
    let conflict = await storeError { _ = try await f.store.update(stale, context: f.admin) }
    guard case .conflict(let key, let why)? = conflict else {
      Issue.record("stale update not refused: \(String(describing: conflict))")
      return
    }
    #expect(key == cmKey("a"))
    #expect(why.contains("the object has been modified"))
    // Server-set fields cannot be changed by an update.
    var forged = u2
    forged.creationTimestamp = "1999-01-01T00:00:00Z"
    forged.generation = 99
    let u3 = try await f.store.update(forged, context: f.admin)
    #expect(u3.creationTimestamp == cm.creationTimestamp)
    #expect(u3.generation == 2)
    #expect(u3.uid == cm.uid)
  }

  @Test func noOpUpdateWritesNothing() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let cm = try await f.configMap("a", data: ["k": "v"])
    let before = try await f.store.currentRevision()
    let same = try await f.store.update(cm, context: f.admin)
    #expect(same.resourceVersion == cm.resourceVersion)
    #expect(try await f.store.currentRevision() == before)
  }

  @Test func statusOnlyThroughItsSubresource() async throws {
    let f = try StoreFixture()
    try await f.namespace("org-acme")
    var project = Object(
      apiVersion: "resourcemanager.mooring.dev/v1alpha1", kind: "Project", name: "web",
      namespace: "org-acme")
    project.spec = ["displayName": "Web"]
    project.status = ["phase": "Ready"]
    let created = try await f.store.create(project, context: f.admin)
    #expect(created.status == nil)
    var withStatus = created
    withStatus.status = ["phase": "Ready"]
    withStatus.spec = ["displayName": "Changed"]
    let afterSpecWrite = try await f.store.update(withStatus, context: f.admin)
    #expect(afterSpecWrite.status == nil)
    #expect(afterSpecWrite.generation == 2)
    var statusWrite = afterSpecWrite
    statusWrite.status = ["phase": "Ready"]
    statusWrite.spec = ["displayName": "Ignored"]
    let afterStatus = try await f.store.updateStatus(statusWrite, context: f.admin)
    #expect(afterStatus.status == ["phase": "Ready"])
    #expect(afterStatus.spec == ["displayName": "Changed"])
    #expect(afterStatus.generation == 2)
  }

  @Test func transactionCommitsAllWithConsecutiveRevisionsOrNothing() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let start = try await f.store.currentRevision()
    let last = try await f.store.transaction(context: f.admin) { tx throws(StoreError) in
      for i in 0..<5 {
        _ = try tx.create(
          Object(apiVersion: "v1", kind: "ConfigMap", name: "c\(i)", namespace: "default"))
      }
    }
    #expect(last == start + 5)
    for i in 0..<5 {
      #expect(try await f.store.get(cmKey("c\(i)")).resourceVersion == String(start + 1 + Int64(i)))
    }
    await #expect(throws: StoreError.alreadyExists(cmKey("c2"))) {
      try await f.store.transaction(context: f.admin) { tx throws(StoreError) in
        _ = try tx.create(
          Object(apiVersion: "v1", kind: "ConfigMap", name: "new", namespace: "default"))
        _ = try tx.create(
          Object(apiVersion: "v1", kind: "ConfigMap", name: "c2", namespace: "default"))
      }
    }
    await #expect(throws: StoreError.notFound(cmKey("new"))) { try await f.store.get(cmKey("new")) }
    #expect(try await f.store.currentRevision() == last)
  }

  @Test func writesLandInTheAuditTrail() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let cm = try await f.configMap("a")
    var changed = cm
    changed.value["data"] = ["x": "y"]
    let sync = WriteContext(actor: "system:sync:platform", source: "git:main@sha1:abc")
    _ = try await f.store.update(changed, context: sync)
    _ = try await f.store.delete(cmKey("a"), options: DeleteOptions(), context: f.admin)
    let trail = try f.store.audit(AuditQuery(resource: configMaps, namespace: "default", name: "a"))
    #expect(trail.map(\.verb) == ["delete", "update", "create"])
    #expect(trail.map(\.actor) == ["admin", "system:sync:platform", "admin"])
    #expect(trail[1].source == "git:main@sha1:abc")
    let bySync = try f.store.audit(AuditQuery(actor: "system:sync:platform"))
    #expect(bySync.count == 1)
    let future = try f.store.audit(AuditQuery(since: Date().timeIntervalSince1970 + 3600))
    #expect(future.isEmpty)
  }
}
