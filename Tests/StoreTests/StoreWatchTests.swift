import Foundation
import Objects
import Store
import Testing
import YAML

@Suite struct StoreWatchTests {
  @Test func historyThenLiveInOrder() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let start = try await f.store.currentRevision()
    let a = try await f.configMap("a")
    var a2 = a
    a2.value["data"] = ["k": "v"]
    _ = try await f.store.update(a2, context: f.admin)
    let stream = try await f.store.watch(configMaps, from: start, ListOptions())
    _ = try await f.store.delete(cmKey("a"), options: DeleteOptions(), context: f.admin)
    try await f.configMap("b")
    let events = try await collect(stream, 4)
    #expect(events.map(\.kind) == [.added, .modified, .deleted, .added])
    #expect(events.map(\.object.name) == ["a", "a", "a", "b"])
    let revisions = events.map(\.revision)
    #expect(revisions == revisions.sorted() && Set(revisions).count == 4)
    #expect(events[2].object.resourceVersion == String(events[2].revision))
  }

  @Test func selectorsTurnModificationsIntoAddsAndDeletes() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let stream = try await f.store.watch(
      configMaps, from: 0, ListOptions(labelSelector: try LabelSelector(parsing: "watched=yes")))
    var cm = try await f.configMap("a")
    cm.labels = ["watched": "yes"]
    cm = try await f.store.update(cm, context: f.admin)
    cm.value["data"] = ["k": "v"]
    cm = try await f.store.update(cm, context: f.admin)
    cm.labels = [:]
    cm = try await f.store.update(cm, context: f.admin)
    try await f.configMap("b")  // never matches
    let events = try await collect(stream, 3)
    #expect(events.map(\.kind) == [.added, .modified, .deleted])
  }

  @Test func expiredAfterCompactionAndBookmarks() async throws {
    let f = try StoreFixture { $0.bookmarkInterval = .milliseconds(50) }
    try await f.namespace("default")
    for i in 0..<5 { try await f.configMap("c\(i)") }
    try f.store.compact(retainRevisions: 1)
    await #expect(throws: StoreError.expired(requested: 1, oldest: 5)) {
      try await f.store.watch(configMaps, from: 1, ListOptions())
    }
    let stream = try await f.store.watch(configMaps, from: 5, ListOptions())
    let events = try await collect(stream, 2, skipBookmarks: false)
    #expect(events.first?.kind == .added)
    #expect(events.last?.kind == .bookmark)
    #expect(events.last?.object.resourceVersion == "6")
  }

  @Test func aSlowWatcherIsClosedAndCanResume() async throws {
    let f = try StoreFixture { $0.watchCapacity = 10 }
    try await f.namespace("default")
    let start = try await f.store.currentRevision()
    let stream = try await f.store.watch(configMaps, from: 0, ListOptions())
    for i in 0..<30 { try await f.configMap("c\(i)") }
    var received: [WatchEvent] = []
    var closedAt: Int64?
    do {
      for try await event in stream { received.append(event) }
    } catch StoreError.tooSlow(let revision) {
      closedAt = revision
    }
    let resumeFrom = try #require(closedAt)
    #expect(received.count == 10)
    #expect(received.last?.revision == resumeFrom)
    #expect(f.store.watcherCount == 0)
    let resumed = try await collect(
      try await f.store.watch(configMaps, from: resumeFrom, ListOptions()), 20)
    #expect(resumed.map(\.object.name) == (10..<30).map { "c\($0)" })
    #expect(resumed.first?.revision == start + 11)
  }

  @Test func manyWatchersWhileOneWriterCommits() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let start = try await f.store.currentRevision()
    var streams: [AsyncThrowingStream<WatchEvent, any Error>] = []
    for _ in 0..<20 {
      streams.append(try await f.store.watch(configMaps, from: start, ListOptions()))
    }
    let store = f.store
    let admin = f.admin
    let writer = Task {
      for i in 0..<50 {
        _ = try await store.create(
          Object(apiVersion: "v1", kind: "ConfigMap", name: "c\(i)", namespace: "default"),
          context: admin)
      }
    }
    let readers = Task {
      for _ in 0..<50 { _ = try await store.list(configMaps, ListOptions()) }
    }
    try await writer.value
    try await readers.value
    for stream in streams {
      let events = try await collect(stream, 50)
      #expect(events.map(\.object.name) == (0..<50).map { "c\($0)" })
    }
  }

  /// A local write after another process's writes: its watchers get the other process's
  /// changes first, then its own (before, the local write's revision skipped them).
  @Test func aLocalWriteDeliversAnotherProcesssChangesFirst() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let watch = try await f.store.watch(
      configMaps, from: try await f.store.currentRevision(), ListOptions())
    let other = try SQLiteStore(path: f.path)
    for name in ["x1", "x2"] {
      _ = try await other.create(
        Object(apiVersion: "v1", kind: "ConfigMap", name: name, namespace: "default"),
        context: f.admin)
    }
    try await f.configMap("mine")
    let events = try await collect(watch, 3)
    #expect(events.compactMap(\.object.name) == ["x1", "x2", "mine"])
    #expect(events.map(\.revision) == events.map(\.revision).sorted())
    #expect(try await f.store.currentRevision() == (try await other.currentRevision()) + 1)
  }

  /// A kind another process registered is known to this store's next write, and its
  /// objects' changes reach watchers even when that write fails; nothing comes twice.
  @Test func anotherProcesssKindsAreKnownToTheNextWrite() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let other = try SQLiteStore(path: f.path)
    let crd = try Object(YAMLDecoder().decode(Array(StoreCRDTests.crd.utf8))[0].value)
    _ = try await other.create(crd, context: f.admin)
    let widgets = GroupResource(group: "example.com", resource: "widgets")
    let start = try await other.currentRevision()
    _ = try await other.create(
      Object(apiVersion: "example.com/v1", kind: "Widget", name: "theirs", namespace: "default"),
      context: f.admin)
    // A write that fails (the namespace is missing) still catches up.
    let missing = await storeError {
      _ = try await f.store.create(
        Object(apiVersion: "example.com/v1", kind: "Widget", name: "w", namespace: "none"),
        context: f.admin)
    }
    #expect(missing != nil)
    #expect(f.store.registry.type(for: widgets) != nil)
    let watch = try await f.store.watch(widgets, from: start, ListOptions())
    _ = try await f.store.create(
      Object(apiVersion: "example.com/v1", kind: "Widget", name: "mine", namespace: "default"),
      context: f.admin)
    #expect(try f.store.refreshFromDisk() == 0)
    let events = try await collect(watch, 2)
    #expect(events.compactMap(\.object.name) == ["theirs", "mine"])
  }

  /// Another process moves an object out of a selection: a watcher with that selector
  /// gets DELETED, as for a local write.
  @Test func anotherProcesssChangesAreSelectedAsLocalOnes() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    var a = try await f.configMap("a", labels: ["tier": "web"])
    let watch = try await f.store.watch(
      configMaps, from: try await f.store.currentRevision(),
      ListOptions(labelSelector: try LabelSelector(parsing: "tier=web")))
    let other = try SQLiteStore(path: f.path)
    a.labels = ["tier": "db"]
    _ = try await other.update(a, context: f.admin)
    #expect(try f.store.refreshFromDisk() == 1)
    let events = try await collect(watch, 1)
    #expect(events.map(\.kind) == [.deleted])
  }

  /// Another process compacted past what this store has seen: its watchers are closed
  /// as Expired (to list again), and it goes on writing.
  @Test func anotherProcessCompactingPastThisOneExpiresItsWatchers() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    var a = try await f.configMap("a", labels: ["v": "0"])
    let watch = try await f.store.watch(
      configMaps, from: try await f.store.currentRevision(), ListOptions())
    let other = try SQLiteStore(path: f.path)
    for v in 1...3 {
      a.labels = ["v": String(v)]
      a = try await other.update(a, context: f.admin)
    }
    _ = try other.compact(retainRevisions: 0)
    #expect(try f.store.refreshFromDisk() == 0)
    // How the watch ends, or a timeout after 5 s.
    let failure = try await withThrowingTaskGroup(of: (any Error)?.self) { group in
      group.addTask {
        do {
          for try await _ in watch {}
          return nil
        } catch {
          return error
        }
      }
      group.addTask {
        try await Task.sleep(for: .seconds(5))
        return CancellationError()
      }
      let first = try await group.next() ?? nil
      group.cancelAll()
      return first
    }
    guard case .expired? = failure as? StoreError else {
      Issue.record("expected Expired, got \(String(describing: failure))")
      return
    }
    try await f.configMap("b")
    #expect(try await f.store.currentRevision() == (try await other.currentRevision()) + 1)
  }

  @Test func watchResumesAcrossAReopen() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let start = try await f.store.currentRevision()
    try await f.configMap("before")
    let reopened = try SQLiteStore(path: f.path)
    let stream = try await reopened.watch(configMaps, from: start, ListOptions())
    _ = try await reopened.create(
      Object(apiVersion: "v1", kind: "ConfigMap", name: "after", namespace: "default"),
      context: f.admin)
    let events = try await collect(stream, 2)
    #expect(events.map(\.object.name) == ["before", "after"])
  }

  @Test func conflictingUpdatesOneWins() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let base = try await f.configMap("a")
    let store = f.store
    let admin = f.admin
    let results = await withTaskGroup(of: Bool.self) { group in
      for i in 0..<8 {
        group.addTask {
          var mine = base
          mine.value["data"] = ["writer": .string("\(i)")]
          return (try? await store.update(mine, context: admin)) != nil
        }
      }
      var wins = 0
      for await ok in group where ok { wins += 1 }
      return wins
    }
    #expect(results == 1)
  }
}
