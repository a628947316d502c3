import Foundation
import TestSupport
import Testing

/// `mooring cel eval` and `mooring cel conformance`, run as a policy author runs them.
@Suite struct CELCommandTests {
  @Test func evalBindsAnObjectFromYAML() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("deploy.yaml")
    try """
    metadata:
      name: web
      labels: {owner: team-web}
    spec:
      replicas: 3
      containers:
      - {name: app, image: nginx}
      - {name: sidecar, image: envoy}
    """.write(to: file, atomically: true, encoding: .utf8)
    let r = try MooringProcess.run([
      "cel", "eval", "--object", file.path,
      "object.spec.containers.map(c, c.name + ':' + c.image)",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "- app:nginx\n- sidecar:envoy\n")
    let q = try MooringProcess.run([
      "cel", "eval", "--object", file.path, "--output", "json",
      "{'ok': has(object.metadata.labels.owner) && object.spec.replicas <= 5}",
    ])
    #expect(q.stdout == "{\n  \"ok\": true\n}\n")
  }

  @Test func kubernetesLibrariesAreThere() throws {
    let r = try MooringProcess.run([
      "cel", "eval",
      "quantity('1Gi').isGreaterThan(quantity('1000Mi')) && cidr('10.0.0.0/8').containsIP('10.1.2.3')",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "true\n")
  }

  @Test func checkErrorsPointAtTheExpression() throws {
    let r = try MooringProcess.run(["cel", "eval", "1 + 'a'"])
    #expect(r.status == 1)
    #expect(
      r.stderr
        == "ERROR: <input>:1:3: found no matching overload for '_+_' applied to '(int, string)'\n"
        + " | 1 + 'a'\n | ..^\n")
  }

  @Test func evaluationErrorsPointAtTheNode() throws {
    let r = try MooringProcess.run(["cel", "eval", "[1, 2][5]"])
    #expect(r.status == 1)
    #expect(r.stderr.hasPrefix("ERROR: <input>:1:7: index out of bounds: 5, size 2"))
  }

  @Test func conformanceCommandPrintsCounts() throws {
    let file = SharedFiles.celConformance.appendingPathComponent("logic.json").path
    let r = try MooringProcess.run(["cel", "conformance", file])
    #expect(r.status == 0, "\(r.stdout)")
    #expect(r.stdout == "logic: 26 passed, 0 failed\n26 passed, 0 failed\n")
  }
}
