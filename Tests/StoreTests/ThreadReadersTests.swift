import Foundation
import Objects
import Synchronization
import Testing

@testable import Store

/// The per-thread connections behind `readStoredJSON`: the same bytes as the pool, every
/// committed write seen, a missing object reported as such, and no connection beyond the
/// limit (those threads take the pool).
@Suite struct ThreadReadersTests {
  @Test func readsWhatThePoolReadsAndSeesLaterWrites() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    try await f.configMap("a", data: ["k": "v"])
    let stored = try await f.store.storedJSON(cmKey("a"))
    let direct = try f.store.readStoredJSON(cmKey("a"))
    #expect(direct == stored)
    #expect(
      throws: StoreError.notFound(cmKey("b")),
      performing: { try f.store.readStoredJSON(cmKey("b")) })
    // A write after this thread's connection was opened is seen by the next read.
    try await f.configMap("b", data: ["k": "w"])
    let b = try StoredObject.decode(try f.store.readStoredJSON(cmKey("b")))
    #expect(b.value[path: "data.k"] == "w")
    // A cluster-scoped key (empty namespace column) reads too.
    let ns = try StoredObject.decode(
      try f.store.readStoredJSON(ObjectKey(namespaces, namespace: nil, name: "default")))
    #expect(ns.name == "default")
  }

  @Test func threadsBeyondTheLimitGetNoConnection() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let readers = ThreadReaders(path: f.path, limit: 2)
    let results = Mutex<[String]>([])
    var threads: [Thread] = []
    let done = DispatchGroup()
    for _ in 0..<4 {
      done.enter()
      let thread = Thread {
        let result: String
        switch readers.read(group: "", resource: "namespaces", namespace: "", name: "default") {
        case .found: result = "found"
        case .missing: result = "missing"
        case .unavailable: result = "unavailable"
        }
        results.withLock { $0.append(result) }
        // Keep the thread (and its id) alive until all have read.
        Thread.sleep(forTimeInterval: 0.3)
        done.leave()
      }
      threads.append(thread)
      thread.start()
    }
    done.wait()
    let counts = results.withLock { r in (r.filter { $0 == "found" }.count, r.count) }
    #expect(counts.0 == 2 && counts.1 == 4, "\(results.withLock { $0 })")
  }
}
