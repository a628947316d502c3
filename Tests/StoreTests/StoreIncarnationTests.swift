import Foundation
import GRDB
import Objects
import Store
import Testing

/// The change log reads an object's history by its row id (`changes.obj`), and SQLite
/// gives a new row the id of the last row deleted when that row had the highest id: two
/// names can share an id. Snapshots, watches and the audit trail must keep them apart.
@Suite struct StoreIncarnationTests {
  /// `a` is deleted while it has the highest row id, so `b` gets its id.
  static func reuseRowID(_ f: StoreFixture) async throws -> (first: ObjectList, token: String) {
    try await f.namespace("default")
    try await f.configMap("0", data: ["v": "zero"])
    try await f.configMap("a", labels: ["team": "x"], data: ["v": "a"])
    let first = try await f.store.list(configMaps, ListOptions(limit: 1))
    let token = try #require(first.continueToken)
    _ = try await f.store.delete(cmKey("a"), options: DeleteOptions(), context: f.admin)
    try await f.configMap("b", data: ["v": "b"])
    let ids = try await DatabaseQueue(path: f.path).read { db in
      try Int64.fetchAll(
        db, sql: "SELECT DISTINCT obj FROM changes WHERE name IN ('a', 'b') ORDER BY obj")
    }
    #expect(ids.count == 1, "the test needs b to take a's row id: \(ids)")
    return (first, token)
  }

  @Test func aContinuedListShowsTheSnapshotNotTheObjectThatTookTheRowID() async throws {
    let f = try StoreFixture()
    let (first, token) = try await Self.reuseRowID(f)
    #expect(first.items.map(\.name) == ["0"])
    let rest = try await f.store.list(configMaps, ListOptions(limit: 10, continueToken: token))
    #expect(rest.items.map(\.name) == ["a"])
    #expect(rest.items.first?.value["data"]?["v"] == "a")
    let now = try await f.store.list(configMaps, ListOptions())
    #expect(now.items.map(\.name) == ["0", "b"])
  }

  @Test func aSelectorWatchGetsThePreviousStateOfTheRightObject() async throws {
    let f = try StoreFixture()
    let (first, _) = try await Self.reuseRowID(f)
    var b = try await f.store.get(cmKey("b"))
    b.labels = ["team": "x"]
    _ = try await f.store.update(b, context: f.admin)
    let from = first.resourceVersion
    let watch = try await f.store.watch(
      configMaps, from: from, ListOptions(labelSelector: try LabelSelector(parsing: "team=x")))
    // a leaves; b enters the selection by its update: an ADDED for the watcher, found
    // from b's state before the update (unlabelled). a's (labelled) would make it a
    // MODIFIED.
    let events = try await collect(watch, 2)
    #expect(events.map(\.kind) == [.deleted, .added])
    #expect(events.map(\.object.name) == ["a", "b"])
  }

  @Test func theAuditTrailOfANameSpansItsIncarnationsAndOnlyThem() async throws {
    let f = try StoreFixture()
    _ = try await Self.reuseRowID(f)
    try await f.configMap("a", data: ["v": "again"])
    func verbs(_ name: String) throws -> [String] {
      try f.store.audit(AuditQuery(resource: configMaps, namespace: "default", name: name))
        .map(\.verb)
    }
    #expect(try verbs("a") == ["create", "delete", "create"])
    #expect(try verbs("b") == ["create"])
    #expect(try f.store.audit(AuditQuery(resource: configMaps)).count == 5)
    #expect(try f.store.audit(AuditQuery(name: "a")).count == 3)
    #expect(try f.store.check() == [])
  }

  @Test func anotherKindTakingTheRowIDStaysOutOfTheKindsSnapshotAndCompaction() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    try await f.configMap("0")
    try await f.configMap("a", data: ["v": "a"])
    let first = try await f.store.list(configMaps, ListOptions(limit: 1))
    _ = try await f.store.delete(cmKey("a"), options: DeleteOptions(), context: f.admin)
    let secret = try await f.store.create(
      Object(apiVersion: "v1", kind: "Secret", name: "s", namespace: "default"), context: f.admin)
    let ids = try await DatabaseQueue(path: f.path).read { db in
      try Int64.fetchAll(
        db, sql: "SELECT DISTINCT obj FROM changes WHERE name IN ('a', 's') ORDER BY obj")
    }
    #expect(ids.count == 1, "the test needs s to take a's row id: \(ids)")
    var s = secret
    s.value["data"] = ["k": "dg=="]
    _ = try await f.store.update(s, context: f.admin)
    let rest = try await f.store.list(
      configMaps, ListOptions(limit: 10, continueToken: try #require(first.continueToken)))
    #expect(rest.items.map(\.name) == ["a"])
    let secrets = GroupResource(group: "", resource: "secrets")
    #expect(
      try f.store.audit(AuditQuery(resource: secrets, name: "s")).map(\.verb)
        == ["update", "create"])
    _ = try f.store.compact(retainRevisions: 0)
    #expect(try f.store.check() == [])
    #expect(
      try await f.store.get(ObjectKey(secrets, namespace: "default", name: "s")).value["data"]
        == ["k": "dg=="])
  }
}
