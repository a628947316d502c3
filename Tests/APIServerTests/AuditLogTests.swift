import Admission
import Foundation
import Objects
import Testing

@testable import APIServer

/// The `--audit-log-path` file: lines queued by requests, written by `flush`, in kube's
/// audit Event format; a full buffer drops and counts; event-loop GETs are logged too.
@Suite struct AuditLogTests {
  let directory: String

  init() throws {
    directory = NSTemporaryDirectory() + "mooring-audit-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  func lines(_ path: String) throws -> [Value] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
      try JSON.decode(String($0))
    }
  }

  func entry(_ path: String, status: Int = 200) -> AuditLog.Entry {
    let received = Date(timeIntervalSince1970: 1_796_000_000.25)
    return AuditLog.Entry(
      request: APIRequest(
        method: "GET", path: path, user: AdmissionUserInfo(username: "alice", groups: ["devs"])),
      status: status, received: received, finished: received.addingTimeInterval(0.0015))
  }

  @Test func linesAreWrittenByFlushInOrder() throws {
    let path = directory + "/audit.log"
    let log = try AuditLog(path: path)
    log.record(entry("/api/v1/namespaces/default/configmaps/a"))
    log.record(entry("/api/v1/namespaces/default/configmaps/b", status: 404))
    #expect(try lines(path).isEmpty)
    let flushed = try log.flush()
    #expect(flushed.dropped == 0)
    let events = try lines(path)
    #expect(flushed.bytes == (try Data(contentsOf: URL(fileURLWithPath: path)).count))
    #expect(events.count == 2)
    #expect(events.map { $0[path: "objectRef.name"]?.stringValue } == ["a", "b"])
    #expect(events.map { $0[path: "responseStatus.code"]?.intValue } == [200, 404])
    let first = try #require(events.first)
    #expect(first["verb"]?.stringValue == "get")
    #expect(first[path: "user.username"]?.stringValue == "alice")
    #expect(first["requestReceivedTimestamp"]?.stringValue == "2026-11-30T00:53:20.250000Z")
    #expect(first["stageTimestamp"]?.stringValue == "2026-11-30T00:53:20.251500Z")
    // Nothing queued: nothing written; a reopened log appends.
    #expect(try log.flush() == AuditLog.Flushed(bytes: 0, dropped: 0))
    let again = try AuditLog(path: path)
    again.record(entry("/api/v1/namespaces/default/configmaps/c"))
    try again.flush()
    #expect(try lines(path).count == 3)
  }

  @Test func aFullBufferDropsAndCounts() throws {
    let path = directory + "/audit.log"
    let one = JSON.encodeBytes(AuditLog.event(entry("/api/v1/namespaces/default/configmaps/a")))
    let log = try AuditLog(path: path, maxPendingBytes: 2 * (one.count + 1) + 10)
    for _ in 0..<5 { log.record(entry("/api/v1/namespaces/default/configmaps/a")) }
    let flushed = try log.flush()
    #expect(flushed.dropped == 3)
    #expect(try lines(path).count == 2)
    log.record(entry("/api/v1/namespaces/default/configmaps/a"))
    #expect(try log.flush().dropped == 0)
    #expect(try lines(path).count == 3)
  }

  /// A write that fails (here: a full device) reports the lines it lost.
  @Test func aFailedWriteReportsItsLines() throws {
    let log = try AuditLog(path: "/dev/full")
    log.record(entry("/api/v1/namespaces/default/configmaps/a"))
    log.record(entry("/api/v1/namespaces/default/configmaps/b"))
    var lost: Int?
    do {
      try log.flush()
    } catch {
      lost = error.lines
    }
    #expect(lost == 2)
  }

  @Test func latencyInMilliseconds() {
    #expect(AuditLog.milliseconds(0.0015) == "1.500")
    #expect(AuditLog.milliseconds(2) == "2000.000")
    #expect(AuditLog.milliseconds(0.000_000_4) == "0.000")
    #expect(AuditLog.milliseconds(0.012_345_6) == "12.346")
  }

  @Test func eventLoopGETsAreLogged() async throws {
    let path = directory + "/audit.log"
    let log = try AuditLog(path: path)
    let fixture = try await DirectGetFixture(auditLog: log)
    // The first GET reads the RBAC policy (the general path); later ones are answered here.
    #expect(await fixture.generalAnswer().status == 200)
    let answer = try #require(
      fixture.direct.answer(
        get: "/api/v1/namespaces/default/configmaps/a",
        headers: ["authorization": "Bearer alice-token"], remoteAddress: "127.0.0.1"))
    #expect(answer.response.status == 200)
    fixture.direct.record(answer)
    try log.flush()
    let events = try lines(path)
    #expect(events.count == 1)
    #expect(events.last?[path: "user.username"]?.stringValue == "alice")
    #expect(events.last?[path: "objectRef.name"]?.stringValue == "a")
    #expect(events.last?["sourceIPs"] == .list(["127.0.0.1"]))
  }
}
