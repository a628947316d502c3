import Foundation
import Objects

/// One column of a server-side Table after `Name`: a CRD version's
/// `additionalPrinterColumns[]` entry, rendered as kube-apiserver renders custom resources
/// (k8s.io/apiextensions-apiserver/pkg/registry/customresource/tableconvertor).
///
/// A cell takes the first value the JSONPath matches (kube ignores any further matches):
/// - `string`: the value as kubectl's JSONPath prints it (strings verbatim, numbers in Go's
///   `%v` form, lists and maps as compact JSON with sorted keys, JSON null as `<no value>`);
/// - `integer`: an integer (floats truncated); `number`: a float; `boolean`: a boolean;
/// - `date`: the `HumanDuration` age of an RFC 3339 string at `now`, `<unknown>` for an empty
///   (zero) time, `<invalid>` for an unparsable one.
///
/// Anything else (no match, an evaluation error, a value of the wrong kind) is a null cell,
/// which kubectl prints as an empty cell. (`<none>` is only what kubectl's client-side
/// `custom-columns` output prints for a missing value; the server never sends it.)
public struct PrinterColumn: Sendable, Hashable {
  /// `additionalPrinterColumns[].type`.
  public enum ColumnType: String, Sendable, Hashable, CaseIterable {
    case boolean, date, integer, number, string
  }

  /// The header, such as `Ready`; kubectl prints it upper-cased.
  public var name: String
  /// How cells are computed and typed.
  public var type: ColumnType
  /// An OpenAPI format hint, passed through to the column definition (`name` marks the name
  /// column for kubectl).
  public var format: String
  /// The description as declared; empty means kube's generated one (see `definition`).
  public var description: String
  /// 0 shows the column always, higher values only with `-o wide`.
  public var priority: Int32
  /// Where the cell's value is, from the object's root.
  public var jsonPath: JSONPathExpression

  /// A column of an already parsed path.
  public init(
    name: String, type: ColumnType, format: String = "", description: String = "",
    priority: Int32 = 0, jsonPath: JSONPathExpression
  ) {
    self.name = name
    self.type = type
    self.format = format
    self.description = description
    self.priority = priority
    self.jsonPath = jsonPath
  }

  /// A column whose path is parsed from `jsonPath`.
  public init(
    name: String, type: ColumnType, format: String = "", description: String = "",
    priority: Int32 = 0, jsonPath: String
  ) throws(JSONPathError) {
    self.init(
      name: name, type: type, format: format, description: description, priority: priority,
      jsonPath: try JSONPathExpression(parsing: jsonPath))
  }

  /// The formats a CRD column may declare.
  public static let formats: [String] = [
    "byte", "date", "date-time", "double", "float", "int32", "int64", "password",
  ]

  /// kube's description of `metadata.creationTimestamp`, the Age column's.
  public static let creationTimestampDescription =
    "CreationTimestamp is a timestamp representing the server time when this object was "
    + "created. It is not guaranteed to be set in happens-before order across separate "
    + "operations. Clients may not set this value. It is represented in RFC3339 form and is in "
    + "UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: "
    + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"

  /// The column kube-apiserver serves for a CRD version that declares none:
  /// `Age`, a date from `.metadata.creationTimestamp`.
  public static let age = PrinterColumn(
    name: "Age", type: .date, description: creationTimestampDescription,
    jsonPath: knownExpression(".metadata.creationTimestamp"))

  // MARK: - Parsing

  /// Parses one `additionalPrinterColumns[]` entry at `path`, validated as kube-apiserver
  /// validates CRDs: a `name`, a `type` among `ColumnType`, a known `format` (or none) and a
  /// `jsonPath` starting with `.` that parses.
  public init(parsing value: Value, at path: ValuePath = ValuePath()) throws(FieldError) {
    guard case .map(let m) = value else {
      throw FieldError(.typeInvalid, path, value, "must be of type object")
    }
    func string(_ key: String) throws(FieldError) -> String {
      switch m[key] {
      case nil, .null?: return ""
      case .string(let s)?: return s
      case let other?:
        throw FieldError(.typeInvalid, path.appending(key), other, "must be of type string")
      }
    }
    let name = try string("name")
    guard !name.isEmpty else { throw .required(path.appending("name")) }
    let typeText = try string("type")
    let supported = ColumnType.allCases.map(\.rawValue)
    guard !typeText.isEmpty else {
      throw .required(
        path.appending("type"), "must be one of \(supported.joined(separator: ","))")
    }
    guard let type = ColumnType(rawValue: typeText) else {
      throw .notSupported(path.appending("type"), .string(typeText), supported)
    }
    let format = try string("format")
    if !format.isEmpty, !Self.formats.contains(format) {
      throw .notSupported(path.appending("format"), .string(format), Self.formats)
    }
    let description = try string("description")
    var priority: Int32 = 0
    switch m["priority"] {
    case nil, .null?: break
    case .int(let n)? where Int64(Int32.min) <= n && n <= Int64(Int32.max): priority = Int32(n)
    case let other?:
      throw FieldError(.typeInvalid, path.appending("priority"), other, "must be of type int32")
    }
    // kube's internal field name, hence the capitals.
    let pathField = path.appending("JSONPath")
    let jsonPathText = try string("jsonPath")
    guard !jsonPathText.isEmpty else { throw .required(pathField) }
    guard jsonPathText.hasPrefix(".") else {
      throw .invalid(
        pathField, .string(jsonPathText), "must be a simple json path starting with .")
    }
    let expression: JSONPathExpression
    do {
      expression = try JSONPathExpression(parsing: jsonPathText)
    } catch {
      throw .invalid(pathField, .string(jsonPathText), error.description)
    }
    self.init(
      name: name, type: type, format: format, description: description, priority: priority,
      jsonPath: expression)
  }

  /// The declared columns of a CRD version (a `spec.versions[]` entry at `path`), empty when
  /// it declares none. (`TableConverter` then serves `Age`, as kube does.)
  public static func columns(ofVersion version: Value, at path: ValuePath = ValuePath())
    throws(FieldError) -> [PrinterColumn]
  {
    let listPath = path.appending("additionalPrinterColumns")
    switch version["additionalPrinterColumns"] {
    case nil, .null?:
      return []
    case .list(let entries)?:
      var columns: [PrinterColumn] = []
      for (i, entry) in entries.enumerated() {
        columns.append(try PrinterColumn(parsing: entry, at: listPath.appending(i)))
      }
      return columns
    case let other?:
      throw FieldError(.typeInvalid, listPath, other, "must be of type array")
    }
  }

  // MARK: - Rendering

  /// The `TableColumnDefinition`; an empty description becomes kube's
  /// `Custom resource definition column (in JSONPath format): <path>`.
  public var definition: Value {
    let text =
      description.isEmpty
      ? "Custom resource definition column (in JSONPath format): \(jsonPath.text)" : description
    return [
      "name": .string(name), "type": .string(type.rawValue), "format": .string(format),
      "description": .string(text), "priority": .int(Int64(priority)),
    ]
  }

  /// The cell for `object` at `now` (which dates are ages relative to).
  public func cell(for object: Value, now: Date) -> Value {
    guard let matches = try? jsonPath.evaluate(object), let value = matches.first else {
      return .null
    }
    switch (type, value) {
    case (.string, _):
      return .string(Self.text(of: value))
    case (.integer, .int):
      return value
    case (.integer, .double(let d)):
      // Go's int64(float64); values beyond its range have no portable result.
      guard d.isFinite, abs(d) < 9.223_372_036_854_775e18 else { return .null }
      return .int(Int64(d.rounded(.towardZero)))
    case (.number, .int(let n)):
      return .double(Double(n))
    case (.number, .double):
      return value
    case (.boolean, .bool):
      return value
    case (.date, .string(let s)):
      guard let date = Self.parseTime(s) else { return "<invalid>" }
      guard let date else { return "<unknown>" }
      return .string(HumanDuration.age(since: date, now: now))
    default:
      return .null
    }
  }

  /// kubectl JSONPath's printing of one value (Go's `fmt.Fprint`, or `json.Marshal` for
  /// lists and maps).
  static func text(of value: Value) -> String {
    switch value {
    case .null: return "<no value>"
    case .bool(let b): return b ? "true" : "false"
    case .int(let n): return String(n)
    case .double(let d): return FloatFormat.goShortestG(d)
    case .string(let s): return s
    case .list, .map: return goJSON(value)
    }
  }

  /// Go's `json.Marshal`: keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped.
  static func goJSON(_ value: Value) -> String {
    let encoded = JSON.encode(value, sortedKeys: true)
    guard
      encoded.unicodeScalars.contains(where: {
        $0 == "<" || $0 == ">" || $0 == "&" || $0 == "\u{2028}" || $0 == "\u{2029}"
      })
    else { return encoded }
    var out = String.UnicodeScalarView()
    for c in encoded.unicodeScalars {
      switch c {
      case "<": out.append(contentsOf: "\\u003c".unicodeScalars)
      case ">": out.append(contentsOf: "\\u003e".unicodeScalars)
      case "&": out.append(contentsOf: "\\u0026".unicodeScalars)
      case "\u{2028}": out.append(contentsOf: "\\u2028".unicodeScalars)
      case "\u{2029}": out.append(contentsOf: "\\u2029".unicodeScalars)
      default: out.append(c)
      }
    }
    return String(out)
  }

  /// `metav1.Time.UnmarshalQueryParameter`: nil when `text` is not RFC 3339 as Go's
  /// `time.Parse(time.RFC3339, …)` reads it; `.some(nil)` for the zero time (an empty string,
  /// `null`, or 0001-01-01T00:00:00Z).
  static func parseTime(_ text: String) -> Date?? {
    if text.isEmpty || text == "null" { return .some(nil) }
    let s = Array(text.utf8)
    guard s.count >= 20 else { return nil }
    func number(_ range: Range<Int>, _ lower: Int, _ upper: Int) -> Int? {
      var n = 0
      for i in range {
        guard s[i] >= 0x30 && s[i] <= 0x39 else { return nil }
        n = n * 10 + Int(s[i] - 0x30)
      }
      return (lower...upper).contains(n) ? n : nil
    }
    guard s[4] == UInt8(ascii: "-"), s[7] == UInt8(ascii: "-"), s[10] == UInt8(ascii: "T"),
      s[13] == UInt8(ascii: ":"), s[16] == UInt8(ascii: ":"),
      let year = number(0..<4, 0, 9999), let month = number(5..<7, 1, 12),
      let day = number(8..<10, 1, daysIn(month: month, year: year)),
      let hour = number(11..<13, 0, 23), let minute = number(14..<16, 0, 59),
      let second = number(17..<19, 0, 59)
    else { return nil }
    var i = 19
    var nanoseconds = 0
    if i + 1 < s.count, s[i] == UInt8(ascii: "."), s[i + 1] >= 0x30, s[i + 1] <= 0x39 {
      i += 1
      var scale = 100_000_000
      while i < s.count, s[i] >= 0x30, s[i] <= 0x39 {
        nanoseconds += Int(s[i] - 0x30) * scale
        scale /= 10
        i += 1
      }
    }
    var offset = 0
    if s.count - i == 1, s[i] == UInt8(ascii: "Z") {
      offset = 0
    } else {
      guard s.count - i == 6, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-"),
        s[i + 3] == UInt8(ascii: ":"), let hours = number((i + 1)..<(i + 3), 0, 23),
        let minutes = number((i + 4)..<(i + 6), 0, 59)
      else { return nil }
      offset = (hours * 60 + minutes) * 60 * (s[i] == UInt8(ascii: "-") ? -1 : 1)
    }
    let days = daysFromCivil(year: year, month: month, day: day)
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset
    // Go's zero Time, January 1 of year 1, 00:00:00 UTC.
    if seconds == -62_135_596_800 && nanoseconds == 0 { return .some(nil) }
    return .some(Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9))
  }

  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
  static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// A path known to parse (the built-in columns').
  static func knownExpression(_ text: String) -> JSONPathExpression {
    do {
      return try JSONPathExpression(parsing: text)
    } catch {
      preconditionFailure("built-in JSONPath does not parse: \(error)")
    }
  }
}
