import Objects

/// An object as Git declares it, with where it was declared.
public struct DesiredObject: Sendable {
  public var object: Object
  /// The file, relative to the repository root.
  public var file: String
  /// The parsed document, for positions of fields.
  public var document: ParsedDocument
  /// The id of the file's blob ("" when unknown).
  public var blobID: String

  public init(object: Object, file: String, document: ParsedDocument, blobID: String = "") {
    self.object = object
    self.file = file
    self.document = document
    self.blobID = blobID
  }

  /// The line of the object's document.
  public var line: Int { document.source.position.line }

  /// `Kind namespace/name`.
  public var label: String {
    let kind = object.kind ?? "object"
    let name = object.name ?? "<unnamed>"
    return object.namespace.map { "\(kind) \($0)/\(name)" } ?? "\(kind) \(name)"
  }

  /// An issue at `path` of this object (its document's start when the path is absent).
  public func issue(_ message: String, at path: ValuePath? = nil) -> SyncIssue {
    let position = path.map { document.position(of: $0) } ?? document.source.position
    return SyncIssue(
      file: file, line: position.line, column: position.column, object: label, message: message)
  }
}
