import Foundation
import Objects
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// GETs of one object answered on the event loop, against a running `mooring serve`: the
/// same bytes kubectl gets, the same answer in front of the HTTP decoder and past it,
/// answers in request order on a pipelined connection, and every answer in the request
/// trail and the metrics.
@Suite(.serialized) struct DirectGetEndToEndTests {
  typealias Cluster = KubectlEndToEndTests.Cluster

  /// Writes `requests` on one connection at once and reads until the server closes it.
  static func pipelined(_ url: String, _ requests: [String]) throws -> String {
    guard let port = URL(string: url)?.port else { throw CocoaError(.fileReadUnknown) }
    let fd = try LocalSocket.connect(port: port)
    defer { close(fd) }
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let bytes = Array(requests.joined().utf8)
    #expect(bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count)
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n <= 0 { break }
      received += buffer[0..<n]
    }
    return String(decoding: received, as: UTF8.self)
  }

  @Test func answersLikeTheGeneralPathInOrder() async throws {
    let c = try await Cluster()
    let manifest = try c.file(
      "cm.yaml",
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: direct, namespace: default, labels: {app: web}}
      data: {k: v}

      """)
    #expect(try c.kubectl(["create", "-f", manifest]).status == 0)
    let path = "/api/v1/namespaces/default/configmaps/direct"
    // The first read after a write refreshes the RBAC policy on the general path; the
    // next ones can be answered on the event loop. Both answer the same bytes.
    let first = try c.kubectl(["get", "configmap", "direct", "-o", "json"])
    let second = try c.kubectl(["get", "configmap", "direct", "-o", "json"])
    #expect(first.status == 0 && second.status == 0, "\(first) \(second)")
    #expect(first.stdout == second.stdout)
    let object = try JSON.decode(Array(second.stdout.utf8))
    #expect(object[path: "data.k"] == "v")
    #expect(object[path: "metadata.labels.app"] == "web")

    // Pipelined on one connection: an object, a list, the object again, and a last GET
    // that closes the connection. Answers come back whole and in that order.
    func get(_ p: String, close: Bool = false) -> String {
      "GET \(p) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
        + (close ? "Connection: close\r\n" : "") + "\r\n"
    }
    let wire = try Self.pipelined(
      c.url,
      [
        get(path), get("/api/v1/namespaces/default/configmaps"), get(path),
        get(path, close: true),
      ])
    #expect(wire.components(separatedBy: "HTTP/1.1 200 OK\r\n").count == 5, "\(wire)")
    let objectAt = wire.ranges(of: #""name":"direct","namespace":"default""#).map {
      $0.lowerBound
    }
    let listAt = try #require(wire.range(of: #""kind":"ConfigMapList""#)?.lowerBound, "\(wire)")
    #expect(objectAt.count == 4, "\(wire)")  // three GETs and the list's item
    #expect(objectAt.first.map { $0 < listAt } == true)
    #expect(objectAt.filter { $0 > listAt }.count == 3)
    #expect(wire.contains("Server: mooring"))
    #expect(wire.contains("Date: "))
    // The first GET is answered in front of the HTTP decoder; the third by the general
    // path (it waited behind the list, which went to the decoder): the same header
    // fields, in the same order, and the same body.
    let answers = wire.components(separatedBy: "HTTP/1.1 200 OK\r\n").dropFirst().map {
      $0.split(separator: "\r\n", omittingEmptySubsequences: false).filter {
        !$0.hasPrefix("Date: ")
      }
    }
    #expect(answers.count == 4)
    if answers.count == 4 {
      #expect(answers[0] == answers[2], "\(answers[0]) \(answers[2])")
      #expect(answers[0].first == "Content-Type: application/json")
    }

    // Every answer is recorded: request trail (written within a second) and metrics.
    func gets() throws -> [Value] {
      let r = try MooringProcess.run([
        "audit", "--data-dir", c.root + "/data", "--requests", "--resource", "configmaps",
        "-o", "json",
      ])
      return (try JSON.decode(Array(r.stdout.utf8)).listValue ?? []).filter {
        $0["verb"] == "get" && $0["name"] == "direct" && $0["code"] == .int(200)
      }
    }
    var recorded = try gets()
    for _ in 0..<20 where recorded.count < 5 {
      try await Task.sleep(for: .milliseconds(250))
      recorded = try gets()
    }
    #expect(recorded.count == 5, "\(recorded)")  // kubectl twice, three pipelined
    let metrics = try c.curl("GET", "/metrics")
    #expect(
      metrics.body.contains(
        #"mooring_apiserver_requests_total{verb="get",resource="configmaps",code="200"} 5"#),
      "\(metrics.body)")
  }
}
