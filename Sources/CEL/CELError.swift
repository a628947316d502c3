/// An error raised while evaluating a CEL expression (division by zero, overflow, no
/// such key, no matching overload, ...). `exprID` names the node that raised it, so the
/// message can point at a line and column.
public struct CELError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public var exprID: Int64?

  public init(_ message: String, exprID: Int64? = nil) {
    self.message = message
    self.exprID = exprID
  }

  public var description: String { message }

  public static func noSuchOverload(_ function: String, _ types: [CELType]) -> CELError {
    let list = types.map(\.description).joined(separator: ", ")
    return CELError("no such overload: \(function)(\(list))")
  }

  public static let divisionByZero = CELError("division by zero")
  public static let moduloByZero = CELError("modulus by zero")
  public static let overflow = CELError("integer overflow")
  public static func noSuchKey(_ key: CELValue) -> CELError {
    CELError("no such key: \(key.debugText)")
  }
  public static func indexOutOfRange(_ index: Int64, _ count: Int) -> CELError {
    CELError("index out of bounds: \(index), size \(count)")
  }
}

extension CELValue {
  /// A short rendering for messages: strings quoted, others as CEL literals.
  public var debugText: String {
    switch self {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .int(let i): return String(i)
    case .uint(let u): return "\(u)u"
    case .double(let d): return "\(d)"
    case .string(let s): return s.debugDescription
    case .bytes(let b): return "b\"\(b.count) bytes\""
    case .list(let l): return "[" + l.map(\.debugText).joined(separator: ", ") + "]"
    case .map(let m):
      return "{" + m.map { "\($0.key.debugText): \($0.value.debugText)" }.joined(separator: ", ")
        + "}"
    case .timestamp(let t): return "timestamp(\"\(t)\")"
    case .duration(let d): return "duration(\"\(d)\")"
    case .type(let t): return t.description
    case .optional(let o): return o.map { "optional.of(\($0.debugText))" } ?? "optional.none()"
    case .opaque(let o): return o.description
    case .error(let e): return "error(\(e.message))"
    }
  }
}
