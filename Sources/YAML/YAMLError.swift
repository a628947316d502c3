import Objects

/// A YAML document that does not decode: malformed syntax, a duplicate or non-string
/// key, a tab in indentation, invalid UTF-8, excessive aliasing, or a manifest that is
/// not a mapping. Always says where: `file:line:column: message`.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file, when the input came from one.
  public var file: String?
  /// Where the problem is (1-based line and column).
  public var position: SourcePosition
  /// What is wrong, in words a manifest author can act on.
  public var message: String

  public init(file: String?, position: SourcePosition, message: String) {
    self.file = file
    self.position = position
    self.message = message
  }

  public var description: String {
    "\(file ?? "<input>"):\(position.line):\(position.column): \(message)"
  }
}
