import Foundation
import Objects
import Synchronization
import Testing

@testable import Store

/// The store's request trail: every API request, reads included, queryable by user,
/// object and time, trimmed by age and count.
@Suite struct RequestTrailTests {
  static func record(
    _ time: Double, _ user: String, _ verb: String, _ name: String = "", code: Int = 200
  ) -> RequestRecord {
    RequestRecord(
      time: time, user: user, verb: verb, resource: configMaps, namespace: "default", name: name,
      uri: "/api/v1/namespaces/default/configmaps/\(name)", code: code, latency: 0.001)
  }

  @Test func recordedRequestsAreQueriedNewestFirst() throws {
    let f = try StoreFixture()
    try f.store.recordRequests([
      Self.record(100, "alice", "get", "a"), Self.record(101, "bob", "list"),
      Self.record(102, "alice", "delete", "a", code: 403),
    ])
    let alice = try f.store.requests(AuditQuery(actor: "alice"))
    #expect(alice.map(\.verb) == ["delete", "get"])
    #expect(alice.first?.code == 403)
    #expect(try f.store.requests(AuditQuery(name: "a", since: 101)).map(\.verb) == ["delete"])
    #expect(
      try f.store.requests(AuditQuery(resource: configMaps, limit: 1)).map(\.user) == ["alice"])
    let discovery = RequestRecord(
      time: 103, user: "bob", verb: "get", resource: nil, uri: "/api", code: 200, latency: 0)
    try f.store.recordRequests([discovery])
    #expect(try f.store.requests(AuditQuery(actor: "bob")).first == discovery)
    // Request records are not writes: no revision, nothing in the write trail.
    #expect(try f.store.audit(AuditQuery()).isEmpty)
  }

  @Test func trimmingDropsByAgeThenByCount() throws {
    let now = Mutex(1_000.0)
    let f = try StoreFixture { $0.clock = { now.withLock { $0 } } }
    try f.store.recordRequests((0..<50).map { Self.record(Double(900 + $0), "u", "get") })
    // Older than 60 s: times 900..<940 go.
    #expect(try f.store.trimRequests(maxAge: 60, maxCount: nil, batch: 7) == 40)
    #expect(try f.store.requests(AuditQuery()).map(\.time).min() == 940)
    // At most 4 kept: the newest.
    #expect(try f.store.trimRequests(maxAge: nil, maxCount: 4) == 6)
    #expect(try f.store.requests(AuditQuery()).map(\.time) == [949, 948, 947, 946])
    #expect(try f.store.trimRequests(maxAge: 3_600, maxCount: 100) == 0)
  }

  /// The trail's pages fill the writer's cache; releasing it gives the memory back.
  @Test func releasingTheWriterCacheFreesTheTrailsPages() throws {
    let f = try StoreFixture()
    for batch in 0..<20 {
      try f.store.recordRequests(
        (0..<1_000).map { Self.record(Double(batch * 1_000 + $0), "user-\($0)", "get", "cm-\($0)") }
      )
    }
    let filled = f.store.writerCacheBytes()
    #expect(filled > 1_000_000, "\(filled)")
    try f.store.releaseWriterCache()
    let released = f.store.writerCacheBytes()
    #expect(released < filled / 10, "\(released) of \(filled)")
    #expect(try f.store.requests(AuditQuery(limit: 1)).first?.time == 19_999)
  }
}
