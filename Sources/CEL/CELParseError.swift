/// The errors found while parsing a CEL expression.
///
/// `description` renders them as cel-go does, each with its location and a caret under
/// the offending column:
/// ```
/// ERROR: <input>:1:5: Syntax error: mismatched input '+' expecting ...
///  | a + + b
///  | ....^
/// ```
public struct CELParseError: Error, Sendable, CustomStringConvertible {
  /// One error: what is wrong, and where.
  public struct Issue: Sendable, Equatable {
    public var message: String
    /// UTF-8 byte offset in the source text.
    public var offset: Int
    /// 1-based line.
    public var line: Int
    /// 1-based column, in characters.
    public var column: Int

    public init(message: String, offset: Int, line: Int, column: Int) {
      self.message = message
      self.offset = offset
      self.line = line
      self.column = column
    }
  }

  /// The errors, in source order.
  public var issues: [Issue]
  /// The text that was parsed.
  public var source: String

  public init(issues: [Issue], source: String) {
    self.issues = issues
    self.source = source
  }

  /// Builds the error from messages at byte offsets, computing lines and columns and
  /// sorting by position.
  init(source: String, messages: [(message: String, offset: Int)]) {
    let text = CELSource(text: source)
    let sorted = messages.enumerated().sorted {
      ($0.element.offset, $0.offset) < ($1.element.offset, $1.offset)
    }
    self.issues = sorted.map { _, m in
      let (line, column) = text.location(ofOffset: m.offset)
      return Issue(message: m.message, offset: m.offset, line: line, column: column)
    }
    self.source = source
  }

  public var description: String {
    let text = CELSource(text: source)
    return issues.map { issue in
      let excerpt = text.excerpt(atOffset: issue.offset)
      let head = "ERROR: <input>:\(issue.line):\(issue.column): \(issue.message)"
      return excerpt.isEmpty ? head : head + "\n" + excerpt
    }.joined(separator: "\n")
  }
}
