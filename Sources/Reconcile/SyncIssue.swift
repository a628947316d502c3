/// One reason a revision cannot be applied, with where it comes from.
public struct SyncIssue: Sendable, Hashable, CustomStringConvertible {
  /// The file, relative to the repository root; nil for issues of the whole revision.
  public var file: String?
  public var line: Int?
  public var column: Int?
  /// `Kind namespace/name` of the object concerned, when known.
  public var object: String?
  public var message: String

  public init(
    file: String? = nil, line: Int? = nil, column: Int? = nil, object: String? = nil,
    message: String
  ) {
    self.file = file
    self.line = line
    self.column = column
    self.object = object
    self.message = message
  }

  /// `file:line:column: Kind ns/name: message`.
  public var description: String {
    var head = ""
    if let file {
      head = file
      if let line { head += ":\(line)" }
      if let column { head += ":\(column)" }
      head += ": "
    }
    if let object { head += "\(object): " }
    return head + message
  }
}
