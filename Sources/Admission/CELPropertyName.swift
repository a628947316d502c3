/// How a CRD property name is spelled in CEL rules, as Kubernetes escapes it: CEL
/// keywords become `__keyword__`, and `__`, `.`, `-`, `/` become `__underscores__`,
/// `__dot__`, `__dash__`, `__slash__`. Names that cannot be escaped are not visible
/// to rules.
public enum CELPropertyName {
  static let reserved: Set<String> = [
    "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for",
    "function", "if", "import", "let", "loop", "package", "namespace", "return", "var",
    "void", "while",
  ]

  /// The CEL spelling of `name`, or nil when it has none.
  public static func escape(_ name: String) -> String? {
    guard let first = name.utf8.first, !(first >= 0x30 && first <= 0x39) else { return nil }
    if reserved.contains(name) { return "__\(name)__" }
    var out = ""
    let scalars = Array(name.unicodeScalars)
    var i = 0
    while i < scalars.count {
      let c = scalars[i]
      if c == "_", i + 1 < scalars.count, scalars[i + 1] == "_" {
        out += "__underscores__"
        i += 2
        continue
      }
      switch c {
      case ".": out += "__dot__"
      case "-": out += "__dash__"
      case "/": out += "__slash__"
      case "_", "0"..."9", "a"..."z", "A"..."Z": out.unicodeScalars.append(c)
      default: return nil
      }
      i += 1
    }
    return out
  }
}
