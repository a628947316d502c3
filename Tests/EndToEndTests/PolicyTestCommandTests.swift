import Foundation
import Testing

/// `mooring policy test`, run as CI runs it, on test folders written to a temporary
/// directory: passing, failing, broken and empty suites, JSON and JUnit output.
@Suite struct PolicyTestCommandTests {
  static let policy = """
    apiVersion: admissionregistration.k8s.io/v1
    kind: ValidatingAdmissionPolicy
    metadata:
      name: require-team-label
    spec:
      matchConstraints:
        resourceRules:
        - apiGroups: [resourcemanager.mooring.dev]
          apiVersions: ["*"]
          operations: [CREATE, UPDATE]
          resources: [projects]
      validations:
      - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
        message: must carry a team label
    ---
    apiVersion: admissionregistration.k8s.io/v1
    kind: ValidatingAdmissionPolicyBinding
    metadata:
      name: require-team-label
    spec:
      policyName: require-team-label
      validationActions: [Deny]

    """

  static let resources = """
    apiVersion: resourcemanager.mooring.dev/v1alpha1
    kind: Project
    metadata:
      name: good-project
      namespace: org-a
      labels: {team: a}
    ---
    apiVersion: resourcemanager.mooring.dev/v1alpha1
    kind: Project
    metadata:
      name: bad-project
      namespace: org-a
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: good-config
      namespace: team-a

    """

  static func test(_ results: String) -> String {
    """
    apiVersion: test.mooring.dev/v1alpha1
    kind: PolicyTest
    metadata:
      name: require-team-label
    policies:
      - policy.yaml
    resources:
      - resources/*.yaml
    results:
    \(results)
    """
  }

  static let passing = test(
    """
      - policy: require-team-label
        resources: [good-project]
        result: pass
      - policy: require-team-label
        resources: [org-a/bad-project]
        result: fail
        message: "must carry a team label"
      - policy: require-team-label
        resources: [team-a/good-config]
        result: skip
      - resources: [bad-project]
        result: fail
    """)

  /// A folder with `files` (relative path → contents), removed after `body`.
  func withFolder<T>(_ files: [String: String], _ body: (String) throws -> T) throws -> T {
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("policy-test-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    for (path, contents) in files {
      let url = dir.appendingPathComponent(path)
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(contents.utf8).write(to: url)
    }
    return try body(dir.path)
  }

  func suite(_ test: String, policy: String = policy) -> [String: String] {
    [
      "suite/policy.yaml": policy, "suite/resources/objects.yaml": Self.resources,
      "suite/mooring-test.yaml": test,
    ]
  }

  @Test func passingSuiteExitsZeroWithATable() throws {
    try withFolder(suite(Self.passing)) { dir in
      let r = try MooringProcess.run(["policy", "test", dir])
      #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
      let lines = r.stdout.split(separator: "\n").map(String.init)
      #expect(lines.first?.hasPrefix("RESULT  POLICY") == true)
      #expect(lines.last == "4 passed, 0 failed")
      #expect(
        lines.contains {
          $0.contains("Project org-a/bad-project")
            && $0.contains(
              "ValidatingAdmissionPolicy 'require-team-label' with binding 'require-team-label' denied request: must carry a team label"
            )
        })
    }
  }

  @Test func failingExpectationExitsOne() throws {
    let wrong = Self.test(
      """
        - policy: require-team-label
          resources: [bad-project]
          result: pass
        - policy: require-team-label
          resources: [good-project]
          result: pass
      """)
    try withFolder(suite(wrong)) { dir in
      let r = try MooringProcess.run(["policy", "test", dir])
      #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
      #expect(r.stdout.hasSuffix("1 passed, 1 failed\n"))
      #expect(r.stdout.contains("FAIL    require-team-label  Project bad-project"))
    }
  }

  @Test func brokenTestFileExitsTwoWithItsPosition() throws {
    let broken = Self.test(
      """
        - policy: require-team-label
          resources: [good-project]
          result: maybe
      """)
    try withFolder(suite(broken)) { dir in
      let r = try MooringProcess.run(["policy", "test", dir])
      #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
      #expect(
        r.stderr
          == "error: \(dir)/suite/mooring-test.yaml:12:13: results[0].result: Unsupported value: \"maybe\": supported values: \"pass\", \"fail\", \"warn\", \"skip\"\n"
      )
    }
  }

  @Test func brokenPolicyExitsTwoNamingTheExpression() throws {
    let policy = Self.policy.replacingOccurrences(
      of: "'team' in object.metadata.labels", with: "'team' in object.metadata.labels + 1")
    try withFolder(suite(Self.passing, policy: policy)) { dir in
      let r = try MooringProcess.run(["policy", "test", dir])
      #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
      #expect(
        r.stderr.hasPrefix(
          "error: \(dir)/suite/policy.yaml:13:17: ValidatingAdmissionPolicy 'require-team-label': spec.validations[0].expression: ERROR: <input>:1:"
        ), "\(r.stderr)")
    }
  }

  @Test func zeroTestsIsAnError() throws {
    try withFolder(["nothing/README.md": "no tests here\n"]) { dir in
      let r = try MooringProcess.run(["policy", "test", dir])
      #expect(r.status == 2)
      #expect(r.stderr.contains("no mooring-test.yaml found"))
      #expect(r.stdout.isEmpty)
    }
  }

  @Test func unknownResourceIsAnError() throws {
    let test = Self.test(
      """
        - resources: [org-b/nobody]
          result: pass
      """)
    try withFolder(suite(test)) { dir in
      let r = try MooringProcess.run(["policy", "test", dir])
      #expect(r.status == 2)
      #expect(
        r.stderr.contains(
          "mooring-test.yaml:10:17: no object org-b/nobody in the resources of this test"),
        "\(r.stderr)")
    }
  }

  @Test func junitOutputIsWrittenToTheFile() throws {
    try withFolder(suite(Self.passing)) { dir in
      let report = dir + "/report.xml"
      let r = try MooringProcess.run([
        "policy", "test", "--output", "junit", report, dir + "/suite",
      ])
      #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
      let xml = try String(contentsOfFile: report, encoding: .utf8)
      #expect(
        xml.hasPrefix(
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mooring policy test\" tests=\"4\" failures=\"0\">"
        ))
      #expect(
        xml.contains(
          "<testcase name=\"require-team-label Project good-project CREATE expect pass\" classname=\"require-team-label\""
        ))
      #expect(xml.hasSuffix("</testsuites>\n"))
    }
  }

  @Test func jsonOutputIsMachineReadable() throws {
    try withFolder(suite(Self.passing)) { dir in
      let r = try MooringProcess.run(["policy", "test", "--output", "json", dir])
      #expect(r.status == 0, "\(r.stderr)")
      let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
      #expect(json?["passed"] as? Int == 4)
      #expect(json?["failed"] as? Int == 0)
      let first = (json?["results"] as? [[String: Any]])?.first
      #expect(first?["policy"] as? String == "require-team-label")
      #expect(first?["got"] as? String == "pass")
    }
  }

  @Test func shippedPoliciesPass() throws {
    let r = try MooringProcess.run(["policy", "test", "policies"])
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.hasSuffix(" passed, 0 failed\n"))
  }
}
