import CEL
import Objects

/// A CEL expression of a policy that does not parse or type-check: the policy, the field
/// (`spec.validations[0].expression`), and every issue with its line and column inside the
/// expression, worded as cel-go words them.
public struct PolicyCompileError: Error, Sendable, CustomStringConvertible {
  /// One problem at a position inside the expression.
  public struct Issue: Sendable, Hashable {
    public var message: String
    /// 1-based, inside the expression text; nil when unknown.
    public var line: Int?
    public var column: Int?
  }

  public var policy: String
  public var field: ValuePath
  public var issues: [Issue]
  /// cel-go's text: `ERROR: <input>:1:5: message` and a caret excerpt per issue.
  public var detail: String

  public init(policy: String, field: ValuePath, issues: [Issue], detail: String) {
    self.policy = policy
    self.field = field
    self.issues = issues
    self.detail = detail
  }

  public var description: String {
    "ValidatingAdmissionPolicy '\(policy)': \(field): \(detail)"
  }

  /// `field: message (line:column)`, one line.
  var summary: String {
    let parts = issues.map { i -> String in
      guard let line = i.line, let column = i.column else { return i.message }
      return "\(i.message) (\(line):\(column))"
    }
    return "\(field): compilation failed: " + parts.joined(separator: "; ")
  }
}
