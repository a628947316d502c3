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
  static func name(_ i: Int) -> String { "cm-" + String(100_000 + i) }

  /// ConfigMaps `name(i)` in "default" for `range`, `batch` to a transaction (with a short
  /// pause after each when there are several).
  static func createConfigMaps(_ f: RBACTestStore, _ range: Range<Int>, batch: Int? = nil)
    async throws
  {
    let batch = batch ?? range.count
    for start in stride(from: range.lowerBound, to: range.upperBound, by: batch) {
      _ = try await f.store.transaction(context: WriteContext(actor: "test", source: "test")) {
        (tx: inout any StoreTransaction) throws(StoreError) in
        for i in start..<min(range.upperBound, start + batch) {
          let object = Object(
            apiVersion: "v1", kind: "ConfigMap", name: name(i), namespace: "default")
          _ = try tx.create(object)
        }
      }
      if batch < range.count { try await Task.sleep(for: .milliseconds(5)) }
    }
  }

  static func handler(_ f: RBACTestStore) -> APIHandler {
    APIHandler(
      store: f.store, serverAddress: "127.0.0.1:0", mooringVersion: "test",
      logger: Logger(label: "test"))
  }

  /// A watch of default's ConfigMaps: its queue, or nil (recorded) when not a stream.
  static func watch(_ handler: APIHandler, _ query: [String: String]) async -> WatchChunkQueue? {
    var query = query
    query["watch"] = "1"
    let response = await handler.handle(
      APIRequest(
        method: "GET", path: "/api/v1/namespaces/default/configmaps", query: query,
        user: admin))
    guard case .stream(let queue) = response.body else {
      Issue.record("not a stream: \(response.status)")
      return nil
    }
    return queue
  }

  /// Waits (up to 5 s) for the store's watchers to come back to `count`.
  static func waitForWatchers(_ f: RBACTestStore, _ count: Int) async throws {
    for _ in 0..<250 where f.store.watcherCount > count {
      try await Task.sleep(for: .milliseconds(20))
    }
  }

  /// More initial events than the buffer holds all arrive, in order, to a client that
  /// starts reading late; when the client goes, the store's watch is closed.
  @Test func aWatchWithManyInitialEventsDeliversThemAll() async throws {
    let f = try RBACTestStore()
    try await f.namespace("default")
    let count = APIHandler.watchBufferChunks * 2 + 10
    try await Self.createConfigMaps(f, 0..<count)
    let watchers = f.store.watcherCount
    guard let queue = await Self.watch(Self.handler(f), [:]) else { return }
    #expect(f.store.watcherCount == watchers + 1)
    try await Task.sleep(for: .milliseconds(200))
    var names: [String] = []
    var iterator = queue.makeAsyncIterator()
    while names.count < count, let chunk = await iterator.next() {
      let event = try JSON.decode(chunk)
      #expect(event["type"] == "ADDED")
      names.append(event[path: "object.metadata.name"]?.stringValue ?? "")
    }
    let expected = (0..<count).map(Self.name)
    #expect(names == expected)
    // The client goes away: the producer stops and the store's watch with it.
    queue.finish()
    try await Self.waitForWatchers(f, watchers)
    #expect(f.store.watcherCount == watchers)
  }

  /// A client that stops reading holds a bounded amount: the store closes the watch it
  /// fell behind on, and the client, reading again, gets what was held and then an error
  /// to resume from.
  @Test func aClientThatStopsReadingGetsAnErrorToResumeFrom() async throws {
    let f = try RBACTestStore(watchCapacity: 50)
    try await f.namespace("default")
    let from = try await f.store.currentRevision()
    guard let queue = await Self.watch(Self.handler(f), ["resourceVersion": String(from)])
    else { return }
    // Small transactions, with pauses: the store's own buffer (50) never fills unless
    // the response stops taking events.
    let count = APIHandler.watchBufferChunks + 250
    try await Self.createConfigMaps(f, 0..<count, batch: 25)
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
    let expected = (0..<added.count).map(Self.name)
    #expect(added == expected)
    #expect(added.count < count)
    #expect(last?["type"] == "ERROR", "\(String(describing: last))")
    #expect(last?[path: "object.code"] == .int(410), "\(String(describing: last))")
  }

  @Test func aTimeoutThatIsNotANumberIsRefused() async throws {
    let f = try RBACTestStore()
    let handler = Self.handler(f)
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
    try await Self.createConfigMaps(f, 0..<(APIHandler.watchBufferChunks + 100))
    let watchers = f.store.watcherCount
    guard await Self.watch(Self.handler(f), ["timeoutSeconds": "1"]) != nil else { return }
    #expect(f.store.watcherCount == watchers + 1)
    try await Self.waitForWatchers(f, watchers)
    #expect(f.store.watcherCount == watchers, "the producer still waits on the client")
  }
}
