/// The type errors found in an expression, all of them, in source order. Its description
/// is cel-go's:
/// ```
/// ERROR: <input>:1:1: undeclared reference to 'x' (in container '')
///  | x + 1
///  | ^
/// ```
public struct CELCheckError: Error, Sendable, CustomStringConvertible {
  /// One type error, at a node of the expression.
  public struct Issue: Sendable, Equatable {
    public var message: String
    /// The node the error is about.
    public var exprID: Int64
    /// 1-based line and column, when the node's position is known.
    public var line: Int?
    public var column: Int?
    /// The UTF-8 offset of the node in the source, when known.
    public var offset: Int?

    public init(
      message: String, exprID: Int64, line: Int? = nil, column: Int? = nil, offset: Int? = nil
    ) {
      self.message = message
      self.exprID = exprID
      self.line = line
      self.column = column
      self.offset = offset
    }
  }

  public var issues: [Issue]
  /// The checked source, for excerpts.
  public var source: CELSource

  public init(issues: [Issue], source: CELSource) {
    self.issues = issues
    self.source = source
  }

  /// The messages alone, in order.
  public var messages: [String] { issues.map(\.message) }

  public var description: String {
    issues.map { issue in
      guard let line = issue.line, let column = issue.column, let offset = issue.offset else {
        return "ERROR: <input>: \(issue.message)"
      }
      var text = "ERROR: <input>:\(line):\(column): \(issue.message)"
      let excerpt = source.excerpt(atOffset: offset)
      if !excerpt.isEmpty { text += "\n" + excerpt }
      return text
    }.joined(separator: "\n")
  }
}
