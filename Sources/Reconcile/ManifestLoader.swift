import GitSource
import Objects
import YAML

/// Reads every manifest of a revision: each file of the snapshot decoded as kubectl reads
/// it, each object with its file and line, and every error of every file.
public struct ManifestLoader: Sendable {
  public init() {}

  public func load(_ snapshot: GitTreeSnapshot) -> (objects: [DesiredObject], issues: [SyncIssue]) {
    var objects: [DesiredObject] = []
    var issues: [SyncIssue] = []
    for file in snapshot.files {
      let parsed = parse(file)
      objects += parsed.objects
      issues += parsed.issues
    }
    return (objects, issues)
  }

  /// One file's objects and problems.
  func parse(_ file: GitFile) -> SyncPlanMemory.ParsedFile {
    let (documents, errors) = ManifestDecoder().decode(
      file.content, file: file.path, json: file.path.hasSuffix(".json"))
    var objects: [DesiredObject] = []
    var issues: [SyncIssue] = []
    for e in errors {
      issues.append(
        SyncIssue(
          file: file.path, line: e.position.line, column: e.position.column, message: e.message))
    }
    for document in documents {
      do {
        let object = try Object(document.value)
        objects.append(
          DesiredObject(object: object, file: file.path, document: document, blobID: file.blobID))
      } catch {
        let p = document.source.position
        issues.append(
          SyncIssue(file: file.path, line: p.line, column: p.column, message: "\(error)"))
      }
    }
    return SyncPlanMemory.ParsedFile(
      blobID: file.blobID, objects: objects, issues: issues,
      declaresCRD: objects.contains {
        $0.object.kind == "CustomResourceDefinition"
          && $0.object.gvk.group == "apiextensions.k8s.io"
      })
  }
}
