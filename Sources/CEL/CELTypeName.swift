/// Parses type names in cel-go's format (`int`, `list(int)`, `map(string, dyn)`,
/// `type(int)`, `optional_type(T)`, `null_type`, `google.protobuf.Timestamp`, type
/// parameters such as `T`), as conformance tests and declarations write them.
public enum CELTypeName {
  /// The type named by `text`, or nil when it names something unsupported (protobuf
  /// messages, wrappers).
  public static func parse(_ text: String) -> CELType? {
    var p = Parser(chars: Array(text.unicodeScalars))
    guard let t = p.type(), p.atEnd else { return nil }
    return t
  }

  private struct Parser {
    let chars: [Unicode.Scalar]
    var i = 0

    var atEnd: Bool {
      mutating get {
        skipSpace()
        return i == chars.count
      }
    }

    mutating func skipSpace() {
      while i < chars.count, chars[i] == " " { i += 1 }
    }

    mutating func name() -> String {
      skipSpace()
      var s = String.UnicodeScalarView()
      while i < chars.count, chars[i] != "(", chars[i] != ")", chars[i] != ",", chars[i] != " " {
        s.append(chars[i])
        i += 1
      }
      return String(s)
    }

    mutating func eat(_ c: Unicode.Scalar) -> Bool {
      skipSpace()
      if i < chars.count, chars[i] == c {
        i += 1
        return true
      }
      return false
    }

    mutating func params() -> [CELType]? {
      guard eat("(") else { return [] }
      var out: [CELType] = []
      if eat(")") { return out }
      repeat {
        guard let t = type() else { return nil }
        out.append(t)
      } while eat(",")
      return eat(")") ? out : nil
    }

    mutating func type() -> CELType? {
      let n = name()
      guard let ps = params() else { return nil }
      switch (n, ps.count) {
      case ("int", 0): return .int
      case ("uint", 0): return .uint
      case ("double", 0): return .double
      case ("bool", 0): return .bool
      case ("string", 0): return .string
      case ("bytes", 0): return .bytes
      case ("null_type", 0): return .null
      case ("dyn", 0): return .dyn
      case ("google.protobuf.Timestamp", 0): return .timestamp
      case ("google.protobuf.Duration", 0): return .duration
      case ("list", 1): return .list(ps[0])
      case ("list", 0): return .list(.dyn)
      case ("map", 2): return .map(ps[0], ps[1])
      case ("map", 0): return .map(.dyn, .dyn)
      case ("type", 1): return .type(ps[0])
      case ("type", 0): return .type(nil)
      case ("optional_type", 1): return .optional(ps[0])
      case ("optional_type", 0): return .optional(.dyn)
      default:
        guard !n.isEmpty else { return nil }
        if n.count <= 2, n.first?.isUppercase == true, ps.isEmpty { return .typeParam(n) }
        if n.hasPrefix("google.protobuf.") || n.hasPrefix("wrapper") { return nil }
        return .opaque(n, ps)
      }
    }
  }
}
