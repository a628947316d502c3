import Foundation
import TestSupport
import Testing

@testable import CEL

/// The official CEL conformance tests (shared/conformance/cel), every file, through
/// parse, check, plan and evaluate. Known failures are listed with their reasons in
/// conformance-known-failures.txt; an unlisted failure or a listed pass fails the test.
@Suite struct CELConformanceTests {
  static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  static let corpus = SharedFiles.celConformance

  func knownFailures() throws -> [String: String] {
    let text = try String(
      contentsOf: Self.here.appendingPathComponent("conformance-known-failures.txt"),
      encoding: .utf8)
    var out: [String: String] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let parts = line.split(separator: "|", maxSplits: 1)
      out[parts[0].trimmingCharacters(in: .whitespaces)] =
        parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
    }
    return out
  }

  @Test func everyConformanceFile() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path)
      .filter { $0.hasSuffix(".json") }.sorted()
    #expect(files.count >= 20, "conformance corpus not found at \(Self.corpus.path)")
    let known = try knownFailures()
    let engine = CELConformanceEngine()
    var failing: [String: String] = [:]
    var total = (passed: 0, failed: 0, skipped: 0)
    for file in files {
      let data = try Data(contentsOf: Self.corpus.appendingPathComponent(file))
      let cases = try CELConformance.cases(fromJSON: [UInt8](data))
      var counts = (passed: 0, failed: 0, skipped: 0)
      for c in cases {
        if c.unsupported != nil {
          counts.skipped += 1
          continue
        }
        let (ok, why) = CELConformance.judge(c, engine.run(c))
        if ok {
          counts.passed += 1
        } else {
          counts.failed += 1
          failing[c.id] = why
        }
      }
      print("conformance \(file): \(counts.passed) passed, \(counts.failed) failed")
      total.passed += counts.passed
      total.failed += counts.failed
      total.skipped += counts.skipped
    }
    print("conformance total: \(total.passed) passed, \(total.failed) failed")
    for (id, why) in failing.sorted(by: { $0.key < $1.key }) where known[id] == nil {
      Issue.record("unlisted conformance failure \(id): \(why)")
    }
    for id in known.keys.sorted() where failing[id] == nil {
      Issue.record("\(id) is listed as a known failure but passes: remove it from the list")
    }
    #expect(total.passed > 1_300)
  }
}
