import Foundation
import Testing

/// `mooring validate`, run as a user runs it, on the bundled examples.
@Suite struct ValidateCommandTests {
  @Test func platformExampleIsValid() throws {
    let r = try MooringProcess.run(["validate", "examples/platform"])
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout == "8 files, 17 objects: valid\n")
  }

  @Test func policiesAreValid() throws {
    let files = try FileManager.default.contentsOfDirectory(
      atPath: MooringProcess.root.appendingPathComponent("policies").path
    ).sorted().map { "policies/\($0)/policy.yaml" }.filter {
      FileManager.default.fileExists(atPath: MooringProcess.root.appendingPathComponent($0).path)
    }
    #expect(files.count >= 8)
    let r = try MooringProcess.run(["validate"] + files)
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
  }

  /// After parsing, what a sync would check: CRD schemas and policies from the tree.
  @Test func schemasAndPoliciesRunOverTheTree() throws {
    let r = try MooringProcess.run(["validate", "examples/denied"])
    #expect(r.status == 1)
    #expect(
      r.stdout.split(separator: "\n") == [
        "examples/denied/caches.yaml:9:14: Cache \"huge\": spec.size: Invalid value: 128: spec.size in body should be less than or equal to 64",
        "examples/denied/caches.yaml:9:25: Cache \"huge\": spec.tier: Unsupported value: \"gold\": supported values: \"standard\", \"premium\"",
        "examples/denied/caches.yaml:11:1: Cache \"big-premium\": ValidatingAdmissionPolicy 'premium-caches-are-small' with binding 'premium-caches-are-small' denied request: premium caches hold at most 8 GiB",
        "examples/denied/policy.yaml:36:17: ValidatingAdmissionPolicy 'broken-expression': spec.validations[0].expression: ERROR: <input>:1:19: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}",
        " | object.spec.size >",
        " | ..................^",
      ], "\(r.stdout)")
    #expect(r.stderr == "3 files, 7 objects: 4 errors\n")
  }

  /// Every error class, with its exact file:line:column and message.
  @Test func brokenExamplesReportEachErrorWithItsPosition() throws {
    let r = try MooringProcess.run(["validate", "examples/broken"])
    #expect(r.status == 1)
    let expected = [
      "examples/broken/alias-bomb.yaml:10:47: document contains excessive aliasing: aliases expand to more than 100000 nodes",
      "examples/broken/bad-labels.yaml:7:12: Project \"web\": metadata.labels: Invalid value: \"team web\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      "examples/broken/bad-labels.yaml:8:5: Project \"web\": metadata.labels: Invalid value: \"-invalid-key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      "examples/broken/bad-name.yaml:4:9: Namespace \"Team_A\": metadata.name: Invalid value: \"Team_A\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      "examples/broken/duplicate-key.yaml:7:3: mapping key \"mode\" already defined at line 6",
      "examples/broken/invalid-utf8.yaml:6:17: invalid UTF-8: byte 0xE9 does not begin a valid UTF-8 sequence; manifests must be UTF-8 encoded",
      "examples/broken/malformed.yaml:7:8: did not find expected ',' or ']' (while parsing a flow sequence at line 6, column 10)",
      "examples/broken/missing-kind.yaml:1:1: object \"orphan\": kind: Required value",
      "examples/broken/non-string-key.yaml:6:3: mapping key 8080 is an integer, not a string; quote it (\"8080\") to use it as a string key",
      "examples/broken/not-a-mapping.yaml:2:1: document 1 is a sequence, not a mapping: a manifest must be an object with apiVersion, kind and metadata",
      "examples/broken/tab-indentation.yaml:4:1: found a tab character where indentation is expected; YAML indentation must use spaces, not tabs",
      "examples/broken/trailing-comma.json:5:21: expected a string for an object key",
    ]
    #expect(r.stdout.split(separator: "\n").map(String.init) == expected)
    #expect(r.stderr == "11 files, 3 objects: 12 errors\n")
  }

  @Test func jsonOutputIsMachineReadable() throws {
    let r = try MooringProcess.run([
      "validate", "--output", "json", "examples/broken/bad-name.yaml",
    ])
    #expect(r.status == 1)
    let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
    #expect(report?["valid"] as? Bool == false)
    #expect(report?["objects"] as? Int == 1)
    let errors = report?["errors"] as? [[String: Any]]
    #expect(errors?.count == 1)
    #expect(errors?.first?["line"] as? Int == 4)
    #expect(errors?.first?["column"] as? Int == 9)
    #expect(errors?.first?["kind"] as? String == "Namespace")
    #expect(errors?.first?["name"] as? String == "Team_A")
    #expect(errors?.first?["field"] as? String == "metadata.name")
  }

  @Test func missingPathIsAUsageError() throws {
    let r = try MooringProcess.run(["validate", "no/such/dir"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("no such file or directory: no/such/dir"))
  }

  @Test func missingArgumentIsAUsageError() throws {
    let r = try MooringProcess.run(["validate"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("Missing expected argument"))
  }

  @Test func everyCommandHasHelp() throws {
    for args in [["--help"], ["validate", "--help"]] {
      let r = try MooringProcess.run(args)
      #expect(r.status == 0)
      #expect(r.stdout.contains("USAGE:"))
    }
  }
}
