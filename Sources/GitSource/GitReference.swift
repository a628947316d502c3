/// What a GitRepository follows: a branch, a tag, a full reference name or a commit.
public enum GitReference: Sendable, Hashable, CustomStringConvertible {
  /// A branch, `refs/heads/<name>`.
  case branch(String)
  /// A tag, `refs/tags/<name>`, annotated or lightweight; peeled to its commit.
  case tag(String)
  /// A full reference name such as `refs/heads/main` or `refs/pull/4/head`.
  case name(String)
  /// A full or abbreviated (at least 4 hex digits) commit SHA-1.
  case commit(String)
  /// A short name tried as a branch, then a tag, then (if hexadecimal) a commit.
  case any(String)

  /// Reads a user's `ref`: `refs/...` is a reference name, 40 hex digits a commit,
  /// anything else a short name resolved like `.any`.
  public init(parsing text: String) {
    if text.hasPrefix("refs/") {
      self = .name(text)
    } else if text.utf8.count == 40, Self.isHex(text) {
      self = .commit(text)
    } else {
      self = .any(text)
    }
  }

  public var description: String {
    switch self {
    case .branch(let name): return "branch \(name)"
    case .tag(let name): return "tag \(name)"
    case .name(let name): return name
    case .commit(let sha): return "commit \(sha)"
    case .any(let name): return name
    }
  }

  static func isHex(_ text: String) -> Bool {
    !text.isEmpty
      && text.utf8.allSatisfy { byte in
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
          || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
          || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
      }
  }
}
