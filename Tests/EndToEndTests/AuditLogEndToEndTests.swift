import Foundation
import Glibc
import Testing

/// The `--audit-log-path` file at shutdown: lines still queued when SIGTERM arrives are
/// written after the API has stopped, not lost.
@Suite struct AuditLogEndToEndTests {
  @Test func aRequestJustBeforeShutdownIsLogged() async throws {
    let log = NSTemporaryDirectory() + "mooring-audit-\(UUID().uuidString).log"
    defer { try? FileManager.default.removeItem(atPath: log) }
    let c = try await KubectlEndToEndTests.Cluster(extra: ["--audit-log-path", log])
    // Lines are written every 250 ms: this one is very likely still queued at the SIGTERM.
    let probe = try c.kubectl(["get", "configmap", "shutdown-probe"])
    #expect(probe.status == 1, "\(probe)")
    kill(c.daemon.pid, SIGTERM)
    let status = try await c.daemon.exitStatus(within: 15)
    #expect(status == 0)
    let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
    let probes = lines.filter { $0.contains("\"name\":\"shutdown-probe\"") }
    #expect(probes.count == 1, "\(lines.suffix(3))")
    #expect(probes.first?.contains("\"code\":404") == true)
  }
}
