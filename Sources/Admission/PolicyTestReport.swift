import Objects

/// Renders policy test results: a table and a summary for people, JSON for tools, JUnit
/// XML for CI systems.
public struct PolicyTestReport: Sendable {
  public var cases: [PolicyTestCase]

  public init(cases: [PolicyTestCase]) { self.cases = cases }

  public var passed: Int { cases.filter(\.passed).count }
  public var failed: Int { cases.count - passed }

  /// `N passed, M failed`.
  public var summary: String { "\(passed) passed, \(failed) failed" }

  /// Columns RESULT, POLICY, RESOURCE, OPERATION, EXPECTED, GOT, MESSAGE; then the summary.
  public func table() -> String {
    var rows = [["RESULT", "POLICY", "RESOURCE", "OPERATION", "EXPECTED", "GOT", "MESSAGE"]]
    for c in cases {
      rows.append([
        c.passed ? "ok" : "FAIL", c.policy ?? "(all)", c.kind + " " + c.resource,
        c.operation.rawValue, c.expected.rawValue, c.got.rawValue, c.message,
      ])
    }
    var widths = Array(repeating: 0, count: rows[0].count)
    for r in rows { for (i, cell) in r.enumerated() { widths[i] = max(widths[i], cell.count) } }
    var out = ""
    for r in rows {
      var line = ""
      for (i, cell) in r.enumerated() {
        line += i == r.count - 1 ? cell : cell.padding(toLength: widths[i] + 2)
      }
      while line.hasSuffix(" ") { line.removeLast() }
      out += line + "\n"
    }
    return out + summary + "\n"
  }

  /// `{"passed": N, "failed": M, "results": [...]}`.
  public func json() -> String {
    let results: [Value] = cases.map { c in
      var m = ValueMap()
      m["file"] = .string(c.file)
      m["test"] = .string(c.test)
      m["policy"] = c.policy.map { .string($0) } ?? .null
      m["kind"] = .string(c.kind)
      m["resource"] = .string(c.resource)
      m["operation"] = .string(c.operation.rawValue)
      m["expected"] = .string(c.expected.rawValue)
      m["got"] = .string(c.got.rawValue)
      m["message"] = .string(c.message)
      m["passed"] = .bool(c.passed)
      return .map(m)
    }
    let root: Value = .map([
      "passed": .int(Int64(passed)), "failed": .int(Int64(failed)), "results": .list(results),
    ])
    return JSON.encode(root, pretty: true) + "\n"
  }

  /// JUnit XML: one testsuite per test file, one testcase per row.
  public func junit() -> String {
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out +=
      "<testsuites name=\"mooring policy test\" tests=\"\(cases.count)\" failures=\"\(failed)\">\n"
    var order: [String] = []
    var byFile: [String: [PolicyTestCase]] = [:]
    for c in cases {
      if byFile[c.file] == nil { order.append(c.file) }
      byFile[c.file, default: []].append(c)
    }
    for file in order {
      let group = byFile[file] ?? []
      let failures = group.filter { !$0.passed }.count
      out +=
        "  <testsuite name=\"\(xml(group.first?.test ?? file))\" file=\"\(xml(file))\" "
        + "tests=\"\(group.count)\" failures=\"\(failures)\">\n"
      for c in group {
        let name =
          "\(c.policy ?? "(all)") \(c.kind) \(c.resource) \(c.operation.rawValue) "
          + "expect \(c.expected.rawValue)"
        out +=
          "    <testcase name=\"\(xml(name))\" classname=\"\(xml(c.test))\" file=\"\(xml(file))\""
        if c.passed {
          out += "/>\n"
        } else {
          out += ">\n"
          out +=
            "      <failure message=\"expected \(c.expected.rawValue), got \(c.got.rawValue)\">"
            + "\(xml(c.message))</failure>\n"
          out += "    </testcase>\n"
        }
      }
      out += "  </testsuite>\n"
    }
    return out + "</testsuites>\n"
  }

  private func xml(_ s: String) -> String {
    var out = ""
    for ch in s.unicodeScalars {
      switch ch {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      case "\n": out += "&#10;"
      default:
        if ch.value < 0x20 && ch != "\t" { continue }
        out.unicodeScalars.append(ch)
      }
    }
    return out
  }
}

extension String {
  /// This string padded with spaces to `length` characters.
  fileprivate func padding(toLength length: Int) -> String {
    count >= length ? self : self + String(repeating: " ", count: length - count)
  }
}
