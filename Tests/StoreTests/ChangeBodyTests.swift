import Foundation
import GRDB
import Objects
import Store
import Testing

/// The change log leaves a current change's body to the object's row and copies it back
/// when the object moves on: every reader of history must still see every body.
@Suite struct ChangeBodyTests {
  /// Writes "a" through four states: created (v=1), updated (v=2), updated and relabelled
  /// (v=3), deleted. Returns the revision before the first.
  func history(_ f: StoreFixture) async throws -> Int64 {
    try await f.namespace("default")
    let start = try await f.store.currentRevision()
    var a = try await f.configMap("a", labels: ["team": "x"], data: ["v": "1"])
    a.value["data"] = .map(ValueMap([("v", .string("2"))]))
    a = try await f.store.update(a, context: f.admin)
    a.value["data"] = .map(ValueMap([("v", .string("3"))]))
    a.labels = ["team": "y"]
    _ = try await f.store.update(a, context: f.admin)
    _ = try await f.store.delete(cmKey("a"), options: DeleteOptions(), context: f.admin)
    return start
  }

  /// The `data` column of the change rows after `revision`, in order.
  func rows(_ f: StoreFixture, after revision: Int64) throws -> [(String, Data)] {
    try DatabaseQueue(path: f.path).read { db in
      try Row.fetchAll(
        db, sql: "SELECT type, data FROM changes WHERE rv > ? ORDER BY rv", arguments: [revision]
      ).map { ($0[0], $0[1]) }
    }
  }

  func value(_ object: Object) -> String? { object.value[path: "data.v"]?.stringValue }

  func value(_ event: WatchEvent) -> String? { value(event.object) }

  @Test func watchFromHistorySeesEveryBody() async throws {
    let f = try StoreFixture()
    let start = try await history(f)
    let all = try await collect(
      try await f.store.watch(configMaps, from: start, ListOptions()), 4)
    #expect(all.map(\.kind) == [.added, .modified, .modified, .deleted])
    #expect(all.map(value) == ["1", "2", "3", "3"])
    #expect(all.map(\.object.resourceVersion) == all.map { String($0.revision) })
    // A selector needs each change's previous body too: "a" leaves team=x at v=3.
    let selected = try await collect(
      try await f.store.watch(
        configMaps, from: start, ListOptions(labelSelector: try LabelSelector(parsing: "team=x"))),
      3,
      seconds: 1)
    #expect(selected.map(\.kind) == [.added, .modified, .deleted])
    #expect(selected.map(value) == ["1", "2", "3"])
  }

  @Test func aRowGetsItsBodyWhenTheObjectMovesOn() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let start = try await f.store.currentRevision()
    var a = try await f.configMap("a", data: ["v": "1"])
    var log = try rows(f, after: start)
    #expect(log.map(\.0) == ["ADDED"])
    #expect(log.map(\.1.count) == [0])
    a.value["data"] = .map(ValueMap([("v", .string("2"))]))
    _ = try await f.store.update(a, context: f.admin)
    log = try rows(f, after: start)
    #expect(log.map(\.0) == ["ADDED", "MODIFIED"])
    #expect(try value(Object(JSON.decode([UInt8](log[0].1)))) == "1")
    #expect(log[1].1.isEmpty)
    _ = try await f.store.delete(cmKey("a"), options: DeleteOptions(), context: f.admin)
    log = try rows(f, after: start)
    #expect(log.map(\.0) == ["ADDED", "MODIFIED", "DELETED"])
    #expect(try log.map { try value(Object(JSON.decode([UInt8]($0.1)))) } == ["1", "2", "2"])
    #expect(try f.store.check() == [])
  }

  @Test func continuedPagesSeeBodiesOfTheirRevision() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    for name in ["a", "b", "c"] { try await f.configMap(name, data: ["v": "1"]) }
    let first = try await f.store.list(configMaps, ListOptions(limit: 1))
    for name in ["b", "c"] {
      var o = try await f.store.get(cmKey(name))
      o.value["data"] = .map(ValueMap([("v", .string("2"))]))
      _ = try await f.store.update(o, context: f.admin)
    }
    let rest = try await f.store.list(
      configMaps, ListOptions(continueToken: try #require(first.continueToken)))
    #expect(rest.items.compactMap(\.name) == ["b", "c"])
    #expect(rest.items.map(value) == ["1", "1"])
    #expect(rest.resourceVersion == first.resourceVersion)
  }

  /// A store written before version 4 has every body in its change rows; copying is then
  /// a no-op and readers take the row's own.
  @Test func rowsThatKeptTheirBodiesStillRead() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let start = try await f.store.currentRevision()
    var a = try await f.configMap("a", data: ["v": "1"])
    try await DatabaseQueue(path: f.path).write { db in
      try db.execute(
        sql: """
          UPDATE changes SET data = (SELECT data FROM objects WHERE name = 'a')
          WHERE rv = (SELECT rv FROM objects WHERE name = 'a')
          """)
    }
    a.value["data"] = .map(ValueMap([("v", .string("2"))]))
    _ = try await f.store.update(a, context: f.admin)
    let events = try await collect(
      try await f.store.watch(configMaps, from: start, ListOptions()), 2)
    #expect(events.map(value) == ["1", "2"])
    #expect(try f.store.check() == [])
  }

  @Test func oneTransactionCreatesUpdatesAndDeletes() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let start = try await f.store.currentRevision()
    _ = try await f.store.transaction(context: f.admin) {
      (tx: inout any StoreTransaction) throws(StoreError) in
      var a = Object(apiVersion: "v1", kind: "ConfigMap", name: "a", namespace: "default")
      a.value["data"] = .map(ValueMap([("v", .string("1"))]))
      a = try tx.create(a)
      a.value["data"] = .map(ValueMap([("v", .string("2"))]))
      _ = try tx.update(a)
      var b = Object(apiVersion: "v1", kind: "ConfigMap", name: "b", namespace: "default")
      b.value["data"] = .map(ValueMap([("v", .string("b"))]))
      _ = try tx.create(b)
      _ = try tx.delete(cmKey("b"), options: DeleteOptions())
    }
    let events = try await collect(
      try await f.store.watch(configMaps, from: start, ListOptions()), 4)
    #expect(events.map(\.kind) == [.added, .modified, .added, .deleted])
    #expect(events.map(value) == ["1", "2", "b", "b"])
    #expect(try f.store.check() == [])
  }

  /// Removing the last finalizer of an object being deleted removes it through `update`.
  @Test func theLastFinalizerGoingKeepsEveryBody() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let start = try await f.store.currentRevision()
    var a = Object(apiVersion: "v1", kind: "ConfigMap", name: "a", namespace: "default")
    a.value["data"] = .map(ValueMap([("v", .string("1"))]))
    a.finalizers = ["example.com/hold"]
    _ = try await f.store.create(a, context: f.admin)
    var marked = try #require(
      try await f.store.delete(cmKey("a"), options: DeleteOptions(), context: f.admin))
    marked.finalizers = []
    _ = try await f.store.update(marked, context: f.admin)
    let events = try await collect(
      try await f.store.watch(configMaps, from: start, ListOptions()), 3)
    #expect(events.map(\.kind) == [.added, .modified, .deleted])
    #expect(events.map(value) == ["1", "1", "1"])
    #expect(events[0].object.deletionTimestamp == nil)
    #expect(events[1].object.deletionTimestamp != nil)
    #expect(try f.store.check() == [])
  }

  /// A writer that knows nothing of empty bodies (an older mooring still running against
  /// a migrated file) updates the object's row itself: the triggers keep the body.
  @Test func anotherWriterOfTheFileCannotLoseABody() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let start = try await f.store.currentRevision()
    try await f.configMap("a", data: ["v": "1"])
    try await DatabaseQueue(path: f.path).write { db in
      try db.execute(sql: "UPDATE objects SET data = X'7B7D' WHERE name = 'a'")
      try db.execute(sql: "DELETE FROM objects WHERE name = 'a'")
    }
    let log = try rows(f, after: start)
    #expect(log.map(\.0) == ["ADDED"])
    #expect(try value(Object(JSON.decode([UInt8](log[0].1)))) == "1")
  }

  @Test func checkReportsABodyFoundNowhere() async throws {
    let f = try StoreFixture()
    _ = try await history(f)
    #expect(try f.store.check() == [])
    try await DatabaseQueue(path: f.path).write { db in
      try db.execute(sql: "UPDATE changes SET data = X'' WHERE type = 'DELETED'")
    }
    let problems = try f.store.check()
    #expect(problems.count == 1)
    #expect(problems.first?.contains("1 change log rows whose body") == true)
  }
}
