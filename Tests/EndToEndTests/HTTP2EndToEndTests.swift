import Foundation
import TestSupport
import Testing

/// HTTP/2 over TLS (ALPN), as kube-apiserver serves it and kubectl uses it, beside
/// HTTP/1.1; and watches ended by a graceful shutdown, read or not.
@Suite struct HTTP2EndToEndTests {
  /// curl with the admin token in one HTTP version: the version used, the code, the body.
  static func curl(
    _ c: KubectlEndToEndTests.Cluster, _ version: String, _ path: String, max: Int = 10
  ) throws -> (version: String, code: Int, body: String) {
    let out = c.root + "/h2.out"
    let r = try KubectlEndToEndTests.run(
      "/usr/bin/curl",
      [
        "-sk", "--\(version)", "--max-time", String(max), "-H",
        "Authorization: Bearer \(try token(c))", "-o", out, "-w", "%{http_version} %{http_code}",
        c.url + path,
      ])
    let fields = r.stdout.split(separator: " ")
    let body = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    return (fields.first.map(String.init) ?? "", fields.count > 1 ? Int(fields[1]) ?? 0 : 0, body)
  }

  @Test func tlsAnswersHTTP2AndHTTP1() async throws {
    let c = try await KubectlEndToEndTests.Cluster(tls: true)
    let version = try Self.curl(c, "http2", "/version")
    #expect(version.version == "2" && version.code == 200, "\(version)")
    #expect(version.body.contains("\"minor\":\"32\""), "\(version)")
    let old = try Self.curl(c, "http1.1", "/version")
    #expect(old.version == "1.1" && old.code == 200, "\(old)")

    // kubectl (HTTP/2 by default) writes; both versions read the same object.
    let created = try c.kubectl(["create", "configmap", "h2", "--from-literal=a=b"])
    #expect(created.status == 0, "\(created)")
    let path = "/api/v1/namespaces/default/configmaps/h2"
    let overH2 = try Self.curl(c, "http2", path)
    let overH1 = try Self.curl(c, "http1.1", path)
    #expect(overH2.version == "2" && overH2.code == 200, "\(overH2)")
    #expect(overH2.body.contains("\"name\":\"h2\""), "\(overH2)")
    #expect(overH2.body == overH1.body)
    let list = try Self.curl(c, "http2", "/api/v1/namespaces/default/configmaps")
    #expect(list.code == 200 && list.body.contains("\"kind\":\"ConfigMapList\""), "\(list)")
    let missing = try Self.curl(c, "http2", "/api/v1/namespaces/default/configmaps/none")
    #expect(missing.code == 404 && missing.body.contains("\"reason\":\"NotFound\""), "\(missing)")

    // A watch streams over an HTTP/2 stream: the change made while it is open arrives.
    let rv = try c.kubectl([
      "get", "configmap", "h2", "-o", "jsonpath={.metadata.resourceVersion}",
    ]).stdout
    let watch = try Subprocess(
      "/usr/bin/curl",
      [
        "-sk", "--http2", "-N", "-i", "-H", "Authorization: Bearer \(try Self.token(c))",
        c.url + "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=\(rv)",
      ], environment: [:], standardOutput: c.root + "/watch.out")
    defer { watch.kill() }
    #expect(try c.kubectl(["label", "configmap", "h2", "seen=yes"]).status == 0)
    var events = ""
    for _ in 0..<200 where !events.contains("\"seen\":\"yes\"") {
      try await Task.sleep(for: .milliseconds(100))
      events = (try? String(contentsOfFile: c.root + "/watch.out", encoding: .utf8)) ?? ""
    }
    #expect(events.hasPrefix("HTTP/2 200"), "\(events)")
    #expect(events.contains("{\"type\":\"MODIFIED\""), "\(events)")
    #expect(events.contains("\"seen\":\"yes\""), "\(events)")

    // kubectl's own reads (HTTP/2) work: table and JSON.
    let table = try c.kubectl(["get", "configmaps"])
    #expect(table.stdout.contains("h2 "), "\(table)")
  }

  /// A SIGTERM does not wait for open watches: they end, and the daemon exits.
  @Test func gracefulShutdownEndsOpenWatches() async throws {
    let c = try await KubectlEndToEndTests.Cluster(tls: true)
    #expect(try c.kubectl(["create", "configmap", "w", "--from-literal=a=b"]).status == 0)
    let watcher = try Subprocess(
      "/usr/bin/kubectl",
      [
        "--kubeconfig", c.root + "/kubeconfig", "--cache-dir", c.root + "/cache", "get",
        "configmaps", "-w", "--request-timeout", "0",
      ], environment: ProcessInfo.processInfo.environment, standardOutput: c.root + "/w.out")
    defer { watcher.kill() }
    // The initial list is printed once the watch is about to start; wait for it.
    for _ in 0..<100 {
      let out = (try? String(contentsOfFile: c.root + "/w.out", encoding: .utf8)) ?? ""
      if out.contains("w ") { break }
      try await Task.sleep(for: .milliseconds(100))
    }
    try await Task.sleep(for: .milliseconds(500))
    kill(c.daemon.pid, SIGTERM)
    // Before, the daemon waited for the watch to end (here, never).
    let status = try await c.daemon.exitStatus(within: 15)
    if status == nil {
      watcher.kill()
      c.daemon.wait()
    }
    #expect(status == 0, "the daemon still ran 15 s after SIGTERM with a watch open")
  }

  /// A watch client that stops reading (its receive window full, the server's last write
  /// waiting) does not hold the shutdown: its connection is closed after a grace period.
  @Test func aWatcherThatStopsReadingDoesNotHoldTheShutdown() async throws {
    let c = try await KubectlEndToEndTests.Cluster()
    // About 7 MB of initial events: more than loopback's socket buffers take.
    let big = String(repeating: "x", count: 900_000)
    for i in 0..<8 {
      let created = try c.curl(
        "POST", "/api/v1/namespaces/default/configmaps",
        body:
          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big-\(i)\"},\"data\":{\"x\":\"\(big)\"}}"
      )
      #expect(created.code == 201, "\(created.code)")
    }
    guard let port = URL(string: c.url)?.port else { throw CocoaError(.fileReadUnknown) }
    let fd = try LocalSocket.connect(port: port, receiveBuffer: 4096)
    defer { close(fd) }
    let request = Array(
      "GET /api/v1/namespaces/default/configmaps?watch=1 HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
    #expect(request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == request.count)
    // Never read; let the server fill what it can.
    try await Task.sleep(for: .seconds(2))
    kill(c.daemon.pid, SIGTERM)
    let status = try await c.daemon.exitStatus(within: 30)
    if status == nil { c.daemon.kill() }
    #expect(status == 0, "the daemon still ran 30 s after SIGTERM with a watcher not reading")
  }

  /// The admin token of the cluster's kubeconfig.
  static func token(_ c: KubectlEndToEndTests.Cluster) throws -> String {
    let config = try String(contentsOfFile: c.root + "/kubeconfig", encoding: .utf8)
    for line in config.split(separator: "\n") {
      let parts = line.split(separator: ":", maxSplits: 1)
      if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == "token" {
        return parts[1].trimmingCharacters(in: .whitespaces)
      }
    }
    return ""
  }
}
