import Objects

/// One test of the CEL conformance suite, in the JSON form of
/// `shared/conformance/cel` (see its README).
public struct CELConformanceCase: Sendable {
  public var file: String
  public var section: String
  public var name: String
  public var expr: String
  public var disableCheck: Bool
  public var checkOnly: Bool
  public var container: String
  public var bindings: [String: CELValue]
  public var variables: [String: CELType]
  public var functions: [CELFunction]
  public var expected: Expected
  /// Why the case cannot run here (protobuf messages, unsupported types), if it cannot.
  public var unsupported: String?

  /// `file/section/name`, the key of known-failure lists.
  public var id: String { "\(file)/\(section)/\(name)" }

  public enum Expected: Sendable {
    /// The result value and, for typed results, the deduced type.
    case value(CELValue, deducedType: String?)
    /// Only a deduced type (check-only tests).
    case deducedType(String)
    /// Any error: parse, check or evaluation.
    case error
  }
}

/// What an engine made of a case.
public enum CELConformanceOutcome: Sendable {
  case value(CELValue, type: CELType?)
  case checked(CELType)
  case error(String)
}

/// Reads conformance files and judges outcomes. The engine (parse, check, plan,
/// evaluate) is passed in, so the same runner serves tests and `mooring cel conformance`.
public enum CELConformance {
  /// The cases of one conformance JSON file.
  public static func cases(fromJSON bytes: [UInt8]) throws -> [CELConformanceCase] {
    let doc = try JSON.decode(bytes)
    guard case .list(let tests)? = doc["tests"] else {
      throw CELError("conformance file has no tests list")
    }
    let fileName = doc["name"]?.stringValue ?? doc["file"]?.stringValue ?? "?"
    return tests.map { decodeCase($0, file: fileName) }
  }

  static func decodeCase(_ t: Value, file: String) -> CELConformanceCase {
    var unsupported: String?
    if t["needs_proto"]?.boolValue == true { unsupported = "needs protobuf messages" }
    var bindings: [String: CELValue] = [:]
    if case .map(let m)? = t["bindings"] {
      for (k, v) in m {
        if let cv = decodeValue(v) { bindings[k] = cv } else { unsupported = "binding \(k)" }
      }
    }
    var variables: [String: CELType] = [:]
    var functions: [CELFunction] = []
    for decl in t["type_env"]?.listValue ?? [] {
      let name = decl["name"]?.stringValue ?? ""
      if decl["kind"]?.stringValue == "function" {
        var overloads: [CELOverload] = []
        for o in decl["overloads"]?.listValue ?? [] {
          let params = (o["params"]?.listValue ?? []).compactMap {
            $0.stringValue.flatMap(CELTypeName.parse)
          }
          overloads.append(
            CELOverload(
              o["id"]?.stringValue ?? name, params: params,
              result: o["result"]?.stringValue.flatMap(CELTypeName.parse) ?? .dyn,
              isInstance: o["instance"]?.boolValue ?? false,
              typeParams: (o["type_params"]?.listValue ?? []).compactMap(\.stringValue),
              impl: nil))
        }
        functions.append(CELFunction(name, overloads))
      } else if let type = decl["type"]?.stringValue.flatMap(CELTypeName.parse) {
        variables[name] = type
      } else {
        unsupported = "declared type \(decl["type"]?.stringValue ?? "?")"
      }
    }
    let e = t["expected"] ?? .null
    let expected: CELConformanceCase.Expected
    if e["error"]?.boolValue == true {
      expected = .error
    } else if let v = e["value"] {
      guard let cv = decodeValue(v) else {
        unsupported = "expected value"
        return make(t, file, bindings, variables, functions, .error, unsupported)
      }
      expected = .value(cv, deducedType: e["deduced_type"]?.stringValue)
    } else if let d = e["deduced_type"]?.stringValue {
      expected = .deducedType(d)
    } else {
      unsupported = "expectation kind"
      expected = .error
    }
    return make(t, file, bindings, variables, functions, expected, unsupported)
  }

  static func make(
    _ t: Value, _ file: String, _ bindings: [String: CELValue], _ variables: [String: CELType],
    _ functions: [CELFunction], _ expected: CELConformanceCase.Expected, _ unsupported: String?
  ) -> CELConformanceCase {
    CELConformanceCase(
      file: t["file"]?.stringValue ?? file, section: t["section"]?.stringValue ?? "",
      name: t["name"]?.stringValue ?? "", expr: t["expr"]?.stringValue ?? "",
      disableCheck: t["disable_check"]?.boolValue ?? false,
      checkOnly: t["check_only"]?.boolValue ?? false,
      container: t["container"]?.stringValue ?? "", bindings: bindings, variables: variables,
      functions: functions, expected: expected, unsupported: unsupported)
  }

  /// A value in the suite's JSON encoding (`{"int": "5"}`, `{"list": [...]}`, ...).
  public static func decodeValue(_ v: Value) -> CELValue? {
    guard case .map(let m) = v, m.count == 1 else { return nil }
    let (kind, x) = m.element(at: 0)
    switch kind {
    case "null": return .null
    case "bool": return x.boolValue.map(CELValue.bool)
    case "int": return x.stringValue.flatMap { Int64($0) }.map(CELValue.int)
    case "uint": return x.stringValue.flatMap { UInt64($0) }.map(CELValue.uint)
    case "double":
      switch x {
      case .string("NaN"): return .double(.nan)
      case .string("Infinity"): return .double(.infinity)
      case .string("-Infinity"): return .double(-.infinity)
      default: return x.doubleValue.map(CELValue.double)
      }
    case "string": return x.stringValue.map(CELValue.string)
    case "bytes": return x.stringValue.flatMap(Base64.decode).map(CELValue.bytes)
    case "list":
      guard case .list(let l) = x else { return nil }
      var out: [CELValue] = []
      for e in l {
        guard let d = decodeValue(e) else { return nil }
        out.append(d)
      }
      return .list(out)
    case "map":
      guard case .list(let pairs) = x else { return nil }
      var out = CELMap()
      for p in pairs {
        guard case .list(let kv) = p, kv.count == 2, let k = decodeValue(kv[0]),
          let val = decodeValue(kv[1]), out.set(k, val)
        else { return nil }
      }
      return .map(out)
    case "type":
      return x.stringValue.flatMap(CELTypeName.parse).map { .type($0.erased) }
    case "timestamp":
      return x.stringValue.flatMap(parseRFC3339).map(CELValue.timestamp)
    case "duration":
      return x.stringValue.flatMap(parseDurationJSON).map(CELValue.duration)
    default:
      return nil
    }
  }

  /// Whether `outcome` satisfies the case's expectation; the second element explains a
  /// failure.
  public static func judge(_ c: CELConformanceCase, _ outcome: CELConformanceOutcome) -> (
    Bool, String
  ) {
    switch (c.expected, outcome) {
    case (.error, .error): return (true, "")
    case (.error, .value(.error, _)): return (true, "")
    case (.error, let o): return (false, "expected an error, got \(describe(o))")
    case (.value(let want, let wantType), .value(let got, let gotType)):
      guard same(want, got) else {
        return (false, "expected \(want.debugText), got \(got.debugText)")
      }
      if let wantType, let gotType, wantType != gotType.description {
        return (false, "expected type \(wantType), deduced \(gotType)")
      }
      return (true, "")
    case (.deducedType(let want), .checked(let got)), (.deducedType(let want), .value(_, let got?)):
      return want == got.description
        ? (true, "") : (false, "expected type \(want), deduced \(got)")
    case (_, let o):
      return (false, "unexpected \(describe(o))")
    }
  }

  static func describe(_ o: CELConformanceOutcome) -> String {
    switch o {
    case .value(let v, _): return "value \(v.debugText)"
    case .checked(let t): return "type \(t)"
    case .error(let e): return "error: \(e)"
    }
  }

  /// Exact sameness for test expectations: same kind and same value (NaN matches NaN;
  /// map order ignored).
  public static func same(_ a: CELValue, _ b: CELValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.int(let x), .int(let y)): return x == y
    case (.uint(let x), .uint(let y)): return x == y
    case (.double(let x), .double(let y)): return x == y || (x.isNaN && y.isNaN)
    case (.string(let x), .string(let y)): return x == y
    case (.bytes(let x), .bytes(let y)): return x == y
    case (.list(let x), .list(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
    case (.map(let x), .map(let y)):
      guard x.count == y.count else { return false }
      for (k, v) in x {
        guard let w = y[k], same(v, w) else { return false }
      }
      return true
    case (.timestamp(let x), .timestamp(let y)): return x == y
    case (.duration(let x), .duration(let y)): return x == y
    case (.type(let x), .type(let y)): return x.runtimeName == y.runtimeName
    case (.optional(let x), .optional(let y)):
      switch (x, y) {
      case (nil, nil): return true
      case (let x?, let y?): return same(x, y)
      default: return false
      }
    case (.opaque(let x), .opaque(let y)): return x.isEqual(to: y)
    default: return false
    }
  }

  /// `2009-02-13T23:31:30Z` or with fraction and offset.
  static func parseRFC3339(_ s: String) -> CELTimestamp? {
    let c = Array(s.utf8)
    func num(_ from: Int, _ len: Int) -> Int64? {
      guard from + len <= c.count else { return nil }
      var n: Int64 = 0
      for b in c[from..<from + len] {
        guard b >= 48 && b <= 57 else { return nil }
        n = n * 10 + Int64(b - 48)
      }
      return n
    }
    guard c.count >= 20, let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2),
      let h = num(11, 2), let mi = num(14, 2), let se = num(17, 2)
    else { return nil }
    var i = 19
    var nanos: Int64 = 0
    if i < c.count, c[i] == UInt8(ascii: ".") {
      i += 1
      var digits = 0
      while i < c.count, c[i] >= 48, c[i] <= 57 {
        if digits < 9 {
          nanos = nanos * 10 + Int64(c[i] - 48)
          digits += 1
        }
        i += 1
      }
      while digits < 9 {
        nanos *= 10
        digits += 1
      }
    }
    var offset: Int64 = 0
    if i < c.count, c[i] == UInt8(ascii: "+") || c[i] == UInt8(ascii: "-") {
      guard let oh = num(i + 1, 2), let om = num(i + 4, 2) else { return nil }
      offset = (oh * 3600 + om * 60) * (c[i] == UInt8(ascii: "-") ? -1 : 1)
    }
    let days = CELCivil.days(year: y, month: mo, day: d)
    let secs = days * 86_400 + h * 3600 + mi * 60 + se - offset
    return CELTimestamp(seconds: secs, nanos: Int32(nanos))
  }

  /// Protobuf JSON durations: `123.321456789s`, `-1.5s`.
  static func parseDurationJSON(_ s: String) -> CELDuration? {
    guard s.hasSuffix("s") else { return nil }
    var body = String(s.dropLast())
    let negative = body.hasPrefix("-")
    if negative { body.removeFirst() }
    let parts = body.split(separator: ".", omittingEmptySubsequences: false)
    guard let secs = Int64(parts[0]) else { return nil }
    var nanos: Int64 = 0
    if parts.count == 2 {
      let frac = String(parts[1].prefix(9))
      guard let f = Int64(frac) else { return nil }
      nanos = f
      for _ in frac.count..<9 { nanos *= 10 }
    }
    return negative
      ? CELDuration(seconds: -secs, nanos: Int32(-nanos))
      : CELDuration(seconds: secs, nanos: Int32(nanos))
  }
}
