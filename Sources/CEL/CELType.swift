/// A CEL type, as the checker reasons about it and as runtime type values carry it.
/// Descriptions follow cel-go's formatting: `list(int)`, `map(string, dyn)`,
/// `optional_type(int)`, `null_type`, `google.protobuf.Timestamp`.
public indirect enum CELType: Sendable, Hashable, CustomStringConvertible {
  case dyn
  case null
  case bool
  case int
  case uint
  case double
  case string
  case bytes
  case timestamp
  case duration
  case list(CELType)
  case map(CELType, CELType)
  /// The type of type values; `type(int)` is the type of the value `int`. A nil
  /// parameter is the unparameterized `type`.
  case type(CELType?)
  case optional(CELType)
  /// A type parameter of a generic overload (`T`, `K`, `V`).
  case typeParam(String)
  /// An extension type by name, e.g. `kubernetes.Quantity`, `net.IP`.
  case opaque(String, [CELType])
  /// The type of an expression that is an error (checker only).
  case error

  public var description: String {
    switch self {
    case .dyn: return "dyn"
    case .null: return "null_type"
    case .bool: return "bool"
    case .int: return "int"
    case .uint: return "uint"
    case .double: return "double"
    case .string: return "string"
    case .bytes: return "bytes"
    case .timestamp: return "google.protobuf.Timestamp"
    case .duration: return "google.protobuf.Duration"
    case .list(let e): return "list(\(e))"
    case .map(let k, let v): return "map(\(k), \(v))"
    case .type(let t): return t.map { "type(\($0))" } ?? "type"
    case .optional(let t): return "optional_type(\(t))"
    case .typeParam(let n): return n
    case .opaque(let n, let ps):
      return ps.isEmpty ? n : "\(n)(" + ps.map(\.description).joined(separator: ", ") + ")"
    case .error: return "*error*"
    }
  }

  /// The name a runtime type value prints as (`type(x)` results): parameters erased.
  public var runtimeName: String {
    switch self {
    case .list: return "list"
    case .map: return "map"
    case .type: return "type"
    case .optional: return "optional_type"
    case .opaque(let n, _): return n
    default: return description
    }
  }

  /// This type with parameters erased, as runtime type values are compared.
  public var erased: CELType {
    switch self {
    case .list: return .list(.dyn)
    case .map: return .map(.dyn, .dyn)
    case .type: return .type(nil)
    case .optional: return .optional(.dyn)
    case .opaque(let n, _): return .opaque(n, [])
    default: return self
    }
  }

  /// True when a runtime `value` can be passed where this type is expected
  /// (dyn and type parameters accept anything; parameters of lists and maps are not
  /// checked at runtime).
  public func accepts(_ value: CELValue) -> Bool {
    switch (self, value) {
    case (.dyn, _), (.typeParam, _): return true
    case (.null, .null), (.bool, .bool), (.int, .int), (.uint, .uint), (.double, .double),
      (.string, .string), (.bytes, .bytes), (.timestamp, .timestamp),
      (.duration, .duration), (.list, .list), (.map, .map), (.type, .type),
      (.optional, .optional):
      return true
    case (.opaque(let n, _), .opaque(let o)): return n == o.typeName
    default: return false
    }
  }
}
