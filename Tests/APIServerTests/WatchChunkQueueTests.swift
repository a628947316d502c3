import Admission
import Logging
import Objects
import Store
import Synchronization
import Testing

@testable import APIServer

/// A watch response holds a bounded number of events for its client: the producer waits
/// for room (nothing is dropped), and either side can end it.
@Suite struct WatchChunkQueueTests {
  static func chunk(_ i: Int) -> [UInt8] { Array("\(i)\n".utf8) }

  @Test func theProducerWaitsForRoomAndNothingIsLost() async throws {
    let queue = WatchChunkQueue(limit: 3)
    for i in 0..<3 { #expect(await queue.push(Self.chunk(i))) }
    let pushed = Atomic<Bool>(false)
    let producer = Task {
      let accepted = await queue.push(Self.chunk(3))
      pushed.store(true, ordering: .sequentiallyConsistent)
      return accepted
    }
    try await Task.sleep(for: .milliseconds(100))
    let early = pushed.load(ordering: .sequentiallyConsistent)
    #expect(!early, "the fourth push did not wait")
    var iterator = queue.makeAsyncIterator()
    #expect(await iterator.next() == Self.chunk(0))
    #expect(await producer.value)
    queue.finish()
    var rest: [[UInt8]] = []
    while let chunk = await iterator.next() { rest.append(chunk) }
    #expect(rest == [1, 2, 3].map(Self.chunk))
    #expect(!(await queue.push(Self.chunk(4))), "a finished queue takes nothing")
  }

  @Test func finishingReleasesAWaitingProducerAndRunsTheHandler() async throws {
    let queue = WatchChunkQueue(limit: 1)
    let finished = Atomic<Int>(0)
    queue.onFinish { finished.add(1, ordering: .sequentiallyConsistent) }
    #expect(await queue.push(Self.chunk(0)))
    let producer = Task { await queue.push(Self.chunk(1)) }
    try await Task.sleep(for: .milliseconds(50))
    queue.finish()
    queue.finish()
    #expect(!(await producer.value))
    let runs = finished.load(ordering: .sequentiallyConsistent)
    #expect(runs == 1)
  }

  @Test func aCancelledConsumerEndsTheQueue() async throws {
    let queue = WatchChunkQueue(limit: 4)
    let consumer = Task { () -> [UInt8]? in
      var iterator = queue.makeAsyncIterator()
      return await iterator.next()
    }
    try await Task.sleep(for: .milliseconds(50))
    consumer.cancel()
    #expect(await consumer.value == nil)
    #expect(!(await queue.push(Self.chunk(0))))
  }

  /// More initial events than the buffer holds all arrive, in order, to a client that
  /// starts reading late; when the client goes, the store's watch is closed.
  @Test func aWatchWithManyInitialEventsDeliversThemAll() async throws {
    let f = try RBACTestStore()
    try await f.namespace("default")
    let context = WriteContext(actor: "test", source: "test")
    let count = APIHandler.watchBufferChunks * 2 + 10
    _ = try await f.store.transaction(context: context) {
      (tx: inout any StoreTransaction) throws(StoreError) in
      for i in 0..<count {
        let name = "cm-" + String(100_000 + i)
        let object = Object(apiVersion: "v1", kind: "ConfigMap", name: name, namespace: "default")
        _ = try tx.create(object)
      }
    }
    let handler = APIHandler(
      store: f.store, serverAddress: "127.0.0.1:0", mooringVersion: "test",
      logger: Logger(label: "test"))
    let watchers = f.store.watcherCount
    let response = await handler.handle(
      APIRequest(
        method: "GET", path: "/api/v1/namespaces/default/configmaps", query: ["watch": "1"],
        user: AdmissionUserInfo(username: "admin", groups: ["system:masters"])))
    guard case .stream(let queue) = response.body else {
      Issue.record("not a stream: \(response.status)")
      return
    }
    #expect(f.store.watcherCount == watchers + 1)
    try await Task.sleep(for: .milliseconds(200))
    var names: [String] = []
    var iterator = queue.makeAsyncIterator()
    while names.count < count, let chunk = await iterator.next() {
      let event = try JSON.decode(chunk)
      #expect(event["type"] == "ADDED")
      names.append(event[path: "object.metadata.name"]?.stringValue ?? "")
    }
    let expected = (0..<count).map { "cm-" + String(100_000 + $0) }
    #expect(names == expected)
    // The client goes away: the producer stops and the store's watch with it.
    queue.finish()
    for _ in 0..<100 where f.store.watcherCount > watchers {
      try await Task.sleep(for: .milliseconds(20))
    }
    #expect(f.store.watcherCount == watchers)
  }

  /// A client that stops reading holds a bounded amount: the store closes the watch it
  /// fell behind on, and the client, reading again, gets what was held and then an error
  /// to resume from.
  @Test func aClientThatStopsReadingGetsAnErrorToResumeFrom() async throws {
    let f = try RBACTestStore(watchCapacity: 50)
    try await f.namespace("default")
    let handler = APIHandler(
      store: f.store, serverAddress: "127.0.0.1:0", mooringVersion: "test",
      logger: Logger(label: "test"))
    let from = try await f.store.currentRevision()
    let response = await handler.handle(
      APIRequest(
        method: "GET", path: "/api/v1/namespaces/default/configmaps",
        query: ["watch": "1", "resourceVersion": String(from)],
        user: AdmissionUserInfo(username: "admin", groups: ["system:masters"])))
    guard case .stream(let queue) = response.body else {
      Issue.record("not a stream: \(response.status)")
      return
    }
    // Small transactions, with pauses: the store's own buffer (50) never fills unless
    // the response stops taking events.
    let count = APIHandler.watchBufferChunks + 250
    for start in stride(from: 0, to: count, by: 25) {
      _ = try await f.store.transaction(context: WriteContext(actor: "test", source: "test")) {
        (tx: inout any StoreTransaction) throws(StoreError) in
        for i in start..<min(count, start + 25) {
          let name = "cm-" + String(100_000 + i)
          let object = Object(
            apiVersion: "v1", kind: "ConfigMap", name: name, namespace: "default")
          _ = try tx.create(object)
        }
      }
      try await Task.sleep(for: .milliseconds(5))
    }
    try await Task.sleep(for: .milliseconds(300))
    // Without the error the watch would stay open: end it after a while to fail, not hang.
    let guardrail = Task {
      try await Task.sleep(for: .seconds(20))
      queue.finish()
    }
    defer { guardrail.cancel() }
    var added: [String] = []
    var last: Value?
    for await chunk in queue {
      let event = try JSON.decode(chunk)
      if event["type"] == "ADDED" {
        added.append(event[path: "object.metadata.name"]?.stringValue ?? "")
      } else {
        last = event
      }
    }
    let expected = (0..<added.count).map { "cm-" + String(100_000 + $0) }
    #expect(added == expected)
    #expect(added.count < count)
    #expect(last?["type"] == "ERROR", "\(String(describing: last))")
    #expect(last?[path: "object.code"] == .int(410), "\(String(describing: last))")
  }

  /// One slot, a producer and a consumer racing: every chunk arrives once, in order.
  @Test func aRacingProducerAndConsumerKeepOrder() async throws {
    let queue = WatchChunkQueue(limit: 1)
    let count = 20_000
    let producer = Task {
      for i in 0..<count where !(await queue.push(Self.chunk(i))) { return }
      queue.finish()
    }
    let guardrail = Task {
      try await Task.sleep(for: .seconds(60))
      queue.finish()
    }
    defer { guardrail.cancel() }
    var received = 0
    var inOrder = true
    for await chunk in queue {
      inOrder = inOrder && chunk == Self.chunk(received)
      received += 1
    }
    await producer.value
    #expect(received == count)
    #expect(inOrder)
  }

  @Test func releasingTheHolderFinishesTheQueue() async {
    let queue = WatchChunkQueue(limit: 2)
    var holder: FinishOnRelease? = FinishOnRelease(queue)
    #expect(await queue.push(Self.chunk(0)))
    withExtendedLifetime(holder) {}
    holder = nil
    #expect(!(await queue.push(Self.chunk(1))))
  }

  static let admin = AdmissionUserInfo(username: "admin", groups: ["system:masters"])

  @Test func aTimeoutThatIsNotANumberIsRefused() async throws {
    let f = try RBACTestStore()
    let handler = APIHandler(
      store: f.store, serverAddress: "127.0.0.1:0", mooringVersion: "test",
      logger: Logger(label: "test"))
    for value in ["inf", "nan", "-1", "1e400", "soon"] {
      let response = await handler.handle(
        APIRequest(
          method: "GET", path: "/api/v1/namespaces",
          query: ["watch": "1", "timeoutSeconds": value], user: Self.admin))
      #expect(response.status == 400, "timeoutSeconds=\(value): \(response.status)")
    }
  }

  /// `timeoutSeconds` bounds a watch whose client never reads, initial events included.
  @Test func theTimeLimitEndsAWatchStuckOnInitialEvents() async throws {
    let f = try RBACTestStore()
    try await f.namespace("default")
    let count = APIHandler.watchBufferChunks + 100
    _ = try await f.store.transaction(context: WriteContext(actor: "test", source: "test")) {
      (tx: inout any StoreTransaction) throws(StoreError) in
      for i in 0..<count {
        let object = Object(
          apiVersion: "v1", kind: "ConfigMap", name: "cm-\(i)", namespace: "default")
        _ = try tx.create(object)
      }
    }
    let handler = APIHandler(
      store: f.store, serverAddress: "127.0.0.1:0", mooringVersion: "test",
      logger: Logger(label: "test"))
    let watchers = f.store.watcherCount
    let response = await handler.handle(
      APIRequest(
        method: "GET", path: "/api/v1/namespaces/default/configmaps",
        query: ["watch": "1", "timeoutSeconds": "1"], user: Self.admin))
    guard case .stream = response.body else {
      Issue.record("not a stream: \(response.status)")
      return
    }
    #expect(f.store.watcherCount == watchers + 1)
    for _ in 0..<100 where f.store.watcherCount > watchers {
      try await Task.sleep(for: .milliseconds(50))
    }
    #expect(f.store.watcherCount == watchers, "the producer still waits on the client")
  }
}
