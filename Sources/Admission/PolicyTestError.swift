import Objects

/// An error in a policy test's own files (exit status 2): the file, the position and
/// what is wrong, as `file:line:column: message`.
public struct PolicyTestError: Error, Sendable, CustomStringConvertible {
  public var file: String
  public var position: SourcePosition?
  public var message: String

  public init(file: String, position: SourcePosition? = nil, message: String) {
    self.file = file
    self.position = position
    self.message = message
  }

  public var description: String {
    guard let position else { return "\(file): \(message)" }
    return "\(file):\(position.line):\(position.column): \(message)"
  }
}
