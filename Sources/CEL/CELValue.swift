/// A CEL runtime value.
///
/// Errors are values too (`.error`), as in cel-go: `false && (1/0 > 2)` is `false`, and
/// `error || true` is `true`, so the logical operators must see an error without
/// unwinding. Lists and maps share storage until written (copy on write).
public enum CELValue: Sendable {
  case null
  case bool(Bool)
  case int(Int64)
  case uint(UInt64)
  case double(Double)
  case string(String)
  case bytes([UInt8])
  case list([CELValue])
  case map(CELMap)
  case timestamp(CELTimestamp)
  case duration(CELDuration)
  /// A type value such as `int` or `list` (type parameters erased, as at runtime).
  case type(CELType)
  /// `optional.of(v)` is `.optional(v)`; `optional.none()` is `.optional(nil)`.
  indirect case optional(CELValue?)
  /// A value of an extension type (Quantity, IP, CIDR, URL, Semver, ...). Boxed
  /// (`indirect`), as is `error`, so a `CELValue` stays 17 bytes instead of 41: every
  /// value the evaluator passes around is cheaper to copy.
  indirect case opaque(any CELOpaqueValue)
  /// An evaluation error carried as a value.
  indirect case error(CELError)
}

/// A value of an extension type. Implementations are immutable and Sendable.
public protocol CELOpaqueValue: Sendable, CustomStringConvertible {
  /// The CEL type name, e.g. `kubernetes.Quantity`, `net.IP`.
  var typeName: String { get }
  /// Equality with another value of the same type (CEL `==`).
  func isEqual(to other: any CELOpaqueValue) -> Bool
}

extension CELValue {
  /// The runtime type of this value (type parameters erased).
  public var type: CELType {
    switch self {
    case .null: return .null
    case .bool: return .bool
    case .int: return .int
    case .uint: return .uint
    case .double: return .double
    case .string: return .string
    case .bytes: return .bytes
    case .list: return .list(.dyn)
    case .map: return .map(.dyn, .dyn)
    case .timestamp: return .timestamp
    case .duration: return .duration
    case .type: return .type(nil)
    case .optional: return .optional(.dyn)
    case .opaque(let o): return .opaque(o.typeName, [])
    case .error: return .error
    }
  }

  /// True for `.error`.
  public var isError: Bool {
    if case .error = self { return true }
    return false
  }

  /// Shorthand for an error value.
  public static func error(_ message: String) -> CELValue { .error(CELError(message)) }

  /// The standard "no such overload" error for a function applied to these values.
  public static func noSuchOverload(_ function: String, _ args: CELValue...) -> CELValue {
    .error(CELError.noSuchOverload(function, args.map(\.type)))
  }
}
