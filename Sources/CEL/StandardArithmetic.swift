/// `_+_`, `_-_`, `_*_`, `_/_`, `_%_` and `-_` as cel-go evaluates them: checked int64
/// and uint64 arithmetic ("integer overflow", "unsigned integer overflow", "division by
/// zero", "modulus by zero"), IEEE doubles, string/bytes/list concatenation, and
/// timestamp and duration arithmetic with range checks (durations are limited to what
/// int64 nanoseconds hold, as Go's `time.Duration`).
enum StandardArithmetic {
  static let uintOverflow = CELError("unsigned integer overflow")
  static let timestampRange = CELError("timestamp out of range")
  static let durationRange = CELError("duration out of range")

  static let functions: [CELFunction] = [add, subtract, multiply, divide, modulo, negate]

  // MARK: Addition

  static let add = CELFunction(
    "_+_",
    [
      StandardLibrary.binary("add_int64", .int, .int, .int, addValues),
      StandardLibrary.binary("add_uint64", .uint, .uint, .uint, addValues),
      StandardLibrary.binary("add_double", .double, .double, .double, addValues),
      StandardLibrary.binary("add_string", .string, .string, .string, addValues),
      StandardLibrary.binary("add_bytes", .bytes, .bytes, .bytes, addValues),
      StandardLibrary.binary(
        "add_list", .list(StandardLibrary.a), .list(StandardLibrary.a),
        .list(StandardLibrary.a), typeParams: ["A"], addValues),
      StandardLibrary.binary(
        "add_timestamp_duration", .timestamp, .duration, .timestamp, addValues),
      StandardLibrary.binary(
        "add_duration_timestamp", .duration, .timestamp, .timestamp, addValues),
      StandardLibrary.binary(
        "add_duration_duration", .duration, .duration, .duration, addValues),
    ])

  /// `a + b` for every supported pair.
  @Sendable static func addValues(_ a: CELValue, _ b: CELValue) -> CELValue {
    switch (a, b) {
    case (.int(let x), .int(let y)):
      let (r, o) = x.addingReportingOverflow(y)
      return o ? .error(.overflow) : .int(r)
    case (.uint(let x), .uint(let y)):
      let (r, o) = x.addingReportingOverflow(y)
      return o ? .error(uintOverflow) : .uint(r)
    case (.double(let x), .double(let y)): return .double(x + y)
    case (.string(let x), .string(let y)): return .string(x + y)
    case (.bytes(let x), .bytes(let y)): return .bytes(x + y)
    case (.list(let x), .list(let y)):
      if x.isEmpty { return b }
      if y.isEmpty { return a }
      return .list(x + y)
    case (.timestamp(let t), .duration(let d)), (.duration(let d), .timestamp(let t)):
      return addTimestamp(t, d, negate: false)
    case (.duration(let x), .duration(let y)):
      guard let n = x.totalNanoseconds, let m = y.totalNanoseconds else {
        return .error(durationRange)
      }
      let (r, o) = n.addingReportingOverflow(m)
      return o ? .error(durationRange) : duration(nanoseconds: r)
    default: return .noSuchOverload("_+_", a, b)
    }
  }

  /// `t + d` (or `t - d`), an error outside the timestamp range.
  static func addTimestamp(_ t: CELTimestamp, _ d: CELDuration, negate: Bool) -> CELValue {
    let s = negate ? t.seconds - d.seconds : t.seconds + d.seconds
    let n = negate ? t.nanos - d.nanos : t.nanos + d.nanos
    guard let r = CELTimestamp(seconds: s, nanos: n) else { return .error(timestampRange) }
    return .timestamp(r)
  }

  /// A duration of `nanoseconds` (always in range for an Int64 of nanoseconds).
  static func duration(nanoseconds: Int64) -> CELValue {
    guard let d = CELDuration(totalNanoseconds: nanoseconds) else { return .error(durationRange) }
    return .duration(d)
  }

  // MARK: Subtraction

  static let subtract = CELFunction(
    "_-_",
    [
      StandardLibrary.binary("subtract_int64", .int, .int, .int, subtractValues),
      StandardLibrary.binary("subtract_uint64", .uint, .uint, .uint, subtractValues),
      StandardLibrary.binary("subtract_double", .double, .double, .double, subtractValues),
      StandardLibrary.binary(
        "subtract_timestamp_timestamp", .timestamp, .timestamp, .duration, subtractValues),
      StandardLibrary.binary(
        "subtract_timestamp_duration", .timestamp, .duration, .timestamp, subtractValues),
      StandardLibrary.binary(
        "subtract_duration_duration", .duration, .duration, .duration, subtractValues),
    ])

  /// `a - b` for every supported pair.
  @Sendable static func subtractValues(_ a: CELValue, _ b: CELValue) -> CELValue {
    switch (a, b) {
    case (.int(let x), .int(let y)):
      let (r, o) = x.subtractingReportingOverflow(y)
      return o ? .error(.overflow) : .int(r)
    case (.uint(let x), .uint(let y)):
      let (r, o) = x.subtractingReportingOverflow(y)
      return o ? .error(uintOverflow) : .uint(r)
    case (.double(let x), .double(let y)): return .double(x - y)
    case (.timestamp(let x), .timestamp(let y)):
      let (s, o1) = (x.seconds - y.seconds).multipliedReportingOverflow(by: 1_000_000_000)
      let (n, o2) = s.addingReportingOverflow(Int64(x.nanos) - Int64(y.nanos))
      return o1 || o2 ? .error(durationRange) : duration(nanoseconds: n)
    case (.timestamp(let t), .duration(let d)):
      return addTimestamp(t, d, negate: true)
    case (.duration(let x), .duration(let y)):
      guard let n = x.totalNanoseconds, let m = y.totalNanoseconds else {
        return .error(durationRange)
      }
      let (r, o) = n.subtractingReportingOverflow(m)
      return o ? .error(durationRange) : duration(nanoseconds: r)
    default: return .noSuchOverload("_-_", a, b)
    }
  }

  // MARK: Multiplication, division, modulo

  static let multiply = CELFunction(
    "_*_",
    [
      StandardLibrary.binary("multiply_int64", .int, .int, .int, multiplyValues),
      StandardLibrary.binary("multiply_uint64", .uint, .uint, .uint, multiplyValues),
      StandardLibrary.binary("multiply_double", .double, .double, .double, multiplyValues),
    ])

  @Sendable static func multiplyValues(_ a: CELValue, _ b: CELValue) -> CELValue {
    switch (a, b) {
    case (.int(let x), .int(let y)):
      let (r, o) = x.multipliedReportingOverflow(by: y)
      return o ? .error(.overflow) : .int(r)
    case (.uint(let x), .uint(let y)):
      let (r, o) = x.multipliedReportingOverflow(by: y)
      return o ? .error(uintOverflow) : .uint(r)
    case (.double(let x), .double(let y)): return .double(x * y)
    default: return .noSuchOverload("_*_", a, b)
    }
  }

  static let divide = CELFunction(
    "_/_",
    [
      StandardLibrary.binary("divide_int64", .int, .int, .int, divideValues),
      StandardLibrary.binary("divide_uint64", .uint, .uint, .uint, divideValues),
      StandardLibrary.binary("divide_double", .double, .double, .double, divideValues),
    ])

  @Sendable static func divideValues(_ a: CELValue, _ b: CELValue) -> CELValue {
    switch (a, b) {
    case (.int(let x), .int(let y)):
      if y == 0 { return .error(.divisionByZero) }
      if x == .min && y == -1 { return .error(.overflow) }
      return .int(x / y)
    case (.uint(let x), .uint(let y)):
      return y == 0 ? .error(.divisionByZero) : .uint(x / y)
    case (.double(let x), .double(let y)): return .double(x / y)
    default: return .noSuchOverload("_/_", a, b)
    }
  }

  static let modulo = CELFunction(
    "_%_",
    [
      StandardLibrary.binary("modulo_int64", .int, .int, .int, moduloValues),
      StandardLibrary.binary("modulo_uint64", .uint, .uint, .uint, moduloValues),
    ])

  @Sendable static func moduloValues(_ a: CELValue, _ b: CELValue) -> CELValue {
    switch (a, b) {
    case (.int(let x), .int(let y)):
      if y == 0 { return .error(.moduloByZero) }
      if x == .min && y == -1 { return .error(.overflow) }
      return .int(x % y)
    case (.uint(let x), .uint(let y)):
      return y == 0 ? .error(.moduloByZero) : .uint(x % y)
    default: return .noSuchOverload("_%_", a, b)
    }
  }

  // MARK: Negation

  static let negate = CELFunction(
    "-_",
    [
      StandardLibrary.unary("negate_int64", .int, .int, negateValue),
      StandardLibrary.unary("negate_double", .double, .double, negateValue),
    ])

  @Sendable static func negateValue(_ v: CELValue) -> CELValue {
    switch v {
    case .int(let x): return x == .min ? .error(.overflow) : .int(-x)
    case .double(let x): return .double(-x)
    default: return .noSuchOverload("-_", v)
    }
  }
}
