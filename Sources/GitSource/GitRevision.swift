/// A reference resolved to a commit in the mirror.
public struct GitRevision: Sendable, Hashable {
  /// How the reference resolved: never `.any`, which becomes `.branch`, `.tag` or `.commit`.
  public var reference: GitReference
  /// The commit it points at (tags peeled).
  public var commit: GitCommit

  /// Makes a revision.
  public init(reference: GitReference, commit: GitCommit) {
    self.reference = reference
    self.commit = commit
  }

  /// The revision in Flux's artifact format: `main@sha1:<sha>` for a branch,
  /// `v1.0@sha1:<sha>` for a tag, `refs/pull/1/head@sha1:<sha>` for a reference name and
  /// `sha1:<sha>` for a commit.
  public var artifactRevision: String {
    switch reference {
    case .branch(let name), .tag(let name), .name(let name), .any(let name):
      return "\(name)@sha1:\(commit.sha)"
    case .commit:
      return "sha1:\(commit.sha)"
    }
  }
}
