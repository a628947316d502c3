import Foundation
import Objects
import Testing
import YAML

@testable import APIMachinery

private let now = Date(timeIntervalSince1970: 1_750_000_000)

private func rfc3339(_ date: Date) -> String {
  let formatter = ISO8601DateFormatter()
  formatter.formatOptions = [.withInternetDateTime]
  return formatter.string(from: date)
}

private func cell(_ type: PrinterColumn.ColumnType, _ value: Value) throws -> Value {
  let column = try PrinterColumn(name: "V", type: type, jsonPath: ".v")
  return column.cell(for: ["v": value], now: now)
}

private func parseError(_ value: Value) -> FieldError? {
  do {
    _ = try PrinterColumn(parsing: value, at: "spec.versions[0].additionalPrinterColumns[0]")
    return nil
  } catch {
    return error
  }
}

/// kube's `Test_cellForJSONValue` (apiextensions-apiserver tableconvertor_test.go). String
/// columns go through JSONPath printing there, not `cellForJSONValue`, so they print any value.
@Suite struct PrinterColumnCellTests {
  static let matchesKubernetesCases: [(PrinterColumn.ColumnType, Value, Value)] = [
    (PrinterColumn.ColumnType.integer, Value.int(42), Value.int(42)),
    (.integer, 3.14, 3),
    (.integer, true, nil),
    (.integer, "foo", nil),
    (.number, 42, .double(42)),
    (.number, 3.14, 3.14),
    (.number, true, nil),
    (.number, "foo", nil),
    (.boolean, 42, nil),
    (.boolean, 3.14, nil),
    (.boolean, true, true),
    (.boolean, "foo", nil),
    (.string, 42, "42"),
    (.string, 3.14, "3.14"),
    (.string, 1e6, "1e+06"),
    (.string, true, "true"),
    (.string, "foo", "foo"),
    (.string, nil, "<no value>"),
    (.string, ["a": "<b>", "c": 1] as Value, #"{"a":"\u003cb\u003e","c":1}"#),
    (.date, 42, nil),
    (.date, 3.14, nil),
    (.date, true, nil),
    (.date, "", "<unknown>"),
    (.date, "0001-01-01T00:00:00Z", "<unknown>"),
    (.date, "yesterday", "<invalid>"),
    (.integer, nil, nil),
  ]

  @Test(arguments: matchesKubernetesCases)
  func matchesKubernetes(type: PrinterColumn.ColumnType, value: Value, expected: Value) throws {
    #expect(try cell(type, value) == expected)
  }

  @Test func datesAreAgesAtNow() throws {
    let past = rfc3339(now.addingTimeInterval(-(12 * 3600 + 30 * 60)))
    let future = rfc3339(now.addingTimeInterval(12 * 3600 + 30 * 60))
    #expect(try cell(.date, .string(past)) == "12h")
    #expect(try cell(.date, .string(future)) == "<invalid>")
    #expect(try cell(.date, .string(rfc3339(now.addingTimeInterval(-9)))) == "9s")
    #expect(try cell(.date, .string(rfc3339(now.addingTimeInterval(-303)))) == "5m3s")
    #expect(try cell(.date, .string(rfc3339(now.addingTimeInterval(1)))) == "0s")
  }

  @Test func missingValuesAreNull() throws {
    let column = try PrinterColumn(name: "Phase", type: .string, jsonPath: ".status.phase")
    #expect(column.cell(for: ["spec": [:]], now: now) == nil)
    let broken = try PrinterColumn(name: "First", type: .string, jsonPath: ".items[3]")
    #expect(broken.cell(for: ["items": [1]], now: now) == nil)
  }

  /// kube's `Test_convertor_ConvertToTable` cases with several values: only the first match
  /// is rendered, and non-string columns render lists as nothing.
  @Test func rendersTheFirstMatchOnly() throws {
    let hosts: Value = [
      "spec": ["servers": [["hosts": ["foo"]], ["hosts": ["bar", "baz"]]]]
    ]
    let numbers: Value = ["spec": ["foo": [["bar": [1]], ["bar": [2, 3]]]]]
    func cells(_ type: PrinterColumn.ColumnType, _ paths: [String], _ object: Value) throws
      -> [Value]
    {
      try paths.map { try PrinterColumn(name: "C", type: type, jsonPath: $0) }
        .map { $0.cell(for: object, now: now) }
    }
    #expect(
      try cells(
        .string,
        [
          ".spec.servers[0].hosts[0]", ".spec.servers[0].hosts", ".spec.servers[1].hosts",
          ".spec.servers[*].hosts",
        ], hosts) == ["foo", #"["foo"]"#, #"["bar","baz"]"#, #"["foo"]"#])
    let numberPaths = [
      ".spec.foo[0].bar[0]", ".spec.foo[0].bar", ".spec.foo[1].bar", ".spec.foo[*].bar",
    ]
    #expect(try cells(.string, numberPaths, numbers) == ["1", "[1]", "[2,3]", "[1]"])
    #expect(try cells(.integer, numberPaths, numbers) == [1, nil, nil, nil])
  }
}

@Suite struct PrinterColumnParsingTests {
  @Test func parsesACRDVersion() throws {
    let yaml = """
      name: v1alpha1
      served: true
      additionalPrinterColumns:
      - name: Display Name
        type: string
        jsonPath: .spec.displayName
      - name: Replicas
        type: integer
        format: int32
        description: Desired replicas.
        priority: 1
        jsonPath: .spec.replicas
      """
    let version = try YAMLDecoder().decode(Array(yaml.utf8))[0].value
    let columns = try PrinterColumn.columns(ofVersion: version)
    #expect(
      columns == [
        try PrinterColumn(name: "Display Name", type: .string, jsonPath: ".spec.displayName"),
        try PrinterColumn(
          name: "Replicas", type: .integer, format: "int32", description: "Desired replicas.",
          priority: 1, jsonPath: ".spec.replicas"),
      ])
    #expect(
      columns[0].definition == [
        "name": "Display Name", "type": "string", "format": "",
        "description": "Custom resource definition column (in JSONPath format): .spec.displayName",
        "priority": 0,
      ])
    #expect(
      columns[1].definition == [
        "name": "Replicas", "type": "integer", "format": "int32",
        "description": "Desired replicas.", "priority": 1,
      ])
    #expect(try PrinterColumn.columns(ofVersion: ["name": "v1"]) == [])
  }

  @Test func ageIsKubesDefaultColumn() {
    #expect(PrinterColumn.age.name == "Age")
    #expect(PrinterColumn.age.type == .date)
    #expect(PrinterColumn.age.jsonPath.text == ".metadata.creationTimestamp")
    #expect(
      PrinterColumn.age.definition["description"]?.stringValue?.hasPrefix(
        "CreationTimestamp is a timestamp") == true)
  }

  static let invalidEntries: [(Value, String)] = [
    (
      ["type": "string", "jsonPath": ".a"],
      "spec.versions[0].additionalPrinterColumns[0].name: Required value"
    ),
    (
      ["name": "A", "jsonPath": ".a"],
      "spec.versions[0].additionalPrinterColumns[0].type: Required value: "
        + "must be one of boolean,date,integer,number,string"
    ),
    (
      ["name": "A", "type": "float", "jsonPath": ".a"],
      #"spec.versions[0].additionalPrinterColumns[0].type: Unsupported value: "float": "#
        + #"supported values: "boolean", "date", "integer", "number", "string""#
    ),
    (
      ["name": "A", "type": "string", "format": "email", "jsonPath": ".a"],
      #"spec.versions[0].additionalPrinterColumns[0].format: Unsupported value: "email": "#
        + #"supported values: "byte", "date", "date-time", "double", "float", "int32", "#
        + #""int64", "password""#
    ),
    (
      ["name": "A", "type": "string"],
      "spec.versions[0].additionalPrinterColumns[0].JSONPath: Required value"
    ),
    (
      ["name": "A", "type": "string", "jsonPath": "spec.a"],
      #"spec.versions[0].additionalPrinterColumns[0].JSONPath: Invalid value: "spec.a": "#
        + "must be a simple json path starting with ."
    ),
    (
      ["name": "A", "type": "string", "jsonPath": ".a[0"],
      #"spec.versions[0].additionalPrinterColumns[0].JSONPath: Invalid value: ".a[0": "#
        + #"invalid JSONPath ".a[0" at 2: unterminated array"#
    ),
    (
      ["name": 7, "type": "string", "jsonPath": ".a"],
      "spec.versions[0].additionalPrinterColumns[0].name: Invalid value: 7: must be of type string"
    ),
  ]

  @Test(arguments: invalidEntries)
  func rejectsAsKubeDoes(entry: Value, message: String) {
    #expect(parseError(entry)?.description == message)
  }
}

@Suite struct RFC3339Tests {
  static let parsesCases: [(String, Double)] = [
    ("2024-01-02T03:04:05Z", 1_704_164_645.0),
    ("2024-01-02T04:04:05+01:00", 1_704_164_645.0),
    ("2024-01-02T02:34:05-00:30", 1_704_164_645.0),
    ("2024-01-02T03:04:05.5Z", 1_704_164_645.5),
    ("2024-01-02T03:04:05.123456789123Z", 1_704_164_645.123_456_789),
    ("2024-02-29T00:00:00Z", 1_709_164_800.0),
    ("1969-12-31T23:59:59Z", -1.0),
  ]

  @Test(arguments: parsesCases)
  func parses(text: String, seconds: Double) throws {
    let date = try #require(PrinterColumn.parseTime(text) ?? nil)
    #expect(abs(date.timeIntervalSince1970 - seconds) < 1e-6)
  }

  static let rejectsCases: [String] = [
    "2023-02-29T00:00:00Z", "2024-01-02 03:04:05Z", "2024-01-02T03:04:05", "2024-01-02T03:04:05z",
    "2024-01-02T24:00:00Z", "2024-01-02T03:04:60Z", "2024-1-02T03:04:05Z",
    "2024-01-02T03:04:05+0100", "2024-01-02T03:04:05.Z",
  ]

  @Test(arguments: rejectsCases)
  func rejects(text: String) {
    #expect(PrinterColumn.parseTime(text) == nil)
  }

  @Test func zeroTimes() {
    for text in ["", "null", "0001-01-01T00:00:00Z"] {
      let parsed = PrinterColumn.parseTime(text)
      #expect(parsed != nil && parsed! == nil)
    }
  }
}
