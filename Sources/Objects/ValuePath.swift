/// A path into a `Value`: `spec.containers[0].name`, `metadata.labels["app"]`.
///
/// Renders the way Kubernetes renders field paths in errors: identifier keys joined
/// with dots, other keys and list indexes in brackets (`metadata.labels[app.kubernetes.io/name]`).
public struct ValuePath: Sendable, Hashable {
  /// One step of a path.
  public enum Component: Sendable, Hashable {
    case key(String)
    case index(Int)
  }

  /// The steps, outermost first.
  public var components: [Component]

  /// The empty path (the root).
  public init() { components = [] }

  /// A path of `components`.
  public init(_ components: [Component]) { self.components = components }

  /// A path of map keys.
  public init(keys: String...) { components = keys.map { .key($0) } }

  /// Parses `a.b[0].c`, `a["key.with.dots"]`, `a['k']` or `a[key]`.
  public init(parsing text: String) throws(ValuePathError) {
    // Most paths are dotted keys (`metadata.labels`): split them without the scanner.
    if !text.utf8.contains(UInt8(ascii: "[")) {
      let parts = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
      if text.isEmpty || !parts.contains(where: \.isEmpty) {
        components = text.isEmpty ? [] : parts.map { .key(String(Substring($0))) }
        return
      }
    }
    var result: [Component] = []
    let chars = Array(text.unicodeScalars)
    var i = 0
    var expectSegment = true
    while i < chars.count {
      let c = chars[i]
      if c == "." {
        if expectSegment { throw ValuePathError(path: text, offset: i, message: "empty segment") }
        expectSegment = true
        i += 1
      } else if c == "[" {
        i += 1
        guard i < chars.count else {
          throw ValuePathError(path: text, offset: i, message: "unterminated [")
        }
        if chars[i] == "\"" || chars[i] == "'" {
          let quote = chars[i]
          i += 1
          var key = String.UnicodeScalarView()
          while i < chars.count, chars[i] != quote {
            if chars[i] == "\\", i + 1 < chars.count { i += 1 }
            key.append(chars[i])
            i += 1
          }
          guard i + 1 < chars.count, chars[i + 1] == "]" else {
            throw ValuePathError(path: text, offset: i, message: "unterminated quoted key")
          }
          i += 2
          result.append(.key(String(key)))
        } else {
          var inner = String.UnicodeScalarView()
          while i < chars.count, chars[i] != "]" {
            inner.append(chars[i])
            i += 1
          }
          guard i < chars.count else {
            throw ValuePathError(path: text, offset: i, message: "unterminated [")
          }
          i += 1
          let s = String(inner)
          if let n = Int(s), n >= 0 { result.append(.index(n)) } else { result.append(.key(s)) }
        }
        expectSegment = false
      } else {
        var name = String.UnicodeScalarView()
        while i < chars.count, chars[i] != ".", chars[i] != "[" {
          name.append(chars[i])
          i += 1
        }
        result.append(.key(String(name)))
        expectSegment = false
      }
    }
    if expectSegment && !result.isEmpty {
      throw ValuePathError(path: text, offset: chars.count, message: "trailing .")
    }
    components = result
  }

  /// This path extended by a key.
  public func appending(_ key: String) -> ValuePath { ValuePath(components + [.key(key)]) }
  /// This path extended by a list index.
  public func appending(_ index: Int) -> ValuePath { ValuePath(components + [.index(index)]) }
  /// True for the root path.
  public var isEmpty: Bool { components.isEmpty }
}

extension ValuePath: CustomStringConvertible {
  public var description: String {
    var out = ""
    for c in components {
      switch c {
      case .key(let k):
        if ValuePath.isIdentifier(k) {
          if !out.isEmpty { out += "." }
          out += k
        } else {
          out += "[\(k)]"
        }
      case .index(let i):
        out += "[\(i)]"
      }
    }
    return out
  }

  static func isIdentifier(_ s: String) -> Bool {
    guard let first = s.utf8.first, first != UInt8(ascii: "-") else { return false }
    if first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") { return false }
    return s.utf8.allSatisfy { b in
      (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
        || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: "$")
    }
  }
}

extension ValuePath: ExpressibleByStringLiteral {
  /// A path literal; an unparsable literal is a programming error.
  public init(stringLiteral value: String) {
    do { try self.init(parsing: value) } catch { preconditionFailure("bad path literal \(value)") }
  }
}

/// A path that does not parse.
public struct ValuePathError: Error, Sendable, Equatable, CustomStringConvertible {
  public var path: String
  public var offset: Int
  public var message: String
  public var description: String { "invalid path \"\(path)\" at \(offset): \(message)" }
}
