import GitSource
import Objects
import YAML

/// Reads every manifest of a revision: each file of the snapshot decoded as kubectl reads
/// it, each object with its file and line, and every error of every file.
public struct ManifestLoader: Sendable {
  public init() {}

  public func load(_ snapshot: GitTreeSnapshot) -> (objects: [DesiredObject], issues: [SyncIssue]) {
    let decoder = ManifestDecoder()
    var objects: [DesiredObject] = []
    var issues: [SyncIssue] = []
    for file in snapshot.files {
      let (documents, errors) = decoder.decode(
        file.content, file: file.path, json: file.path.hasSuffix(".json"))
      for e in errors {
        issues.append(
          SyncIssue(
            file: file.path, line: e.position.line, column: e.position.column, message: e.message))
      }
      for document in documents {
        do {
          let object = try Object(document.value)
          objects.append(DesiredObject(object: object, file: file.path, document: document))
        } catch {
          let p = document.source.position
          issues.append(
            SyncIssue(file: file.path, line: p.line, column: p.column, message: "\(error)"))
        }
      }
    }
    return (objects, issues)
  }
}
