/// A commit as read from the mirror.
public struct GitCommit: Sendable, Hashable {
  /// The full 40-character hexadecimal SHA-1.
  public var sha: String
  /// The SHA-1 of the commit's root tree.
  public var treeID: String
  /// Who wrote the change.
  public var author: GitSignature
  /// Who committed it.
  public var committer: GitSignature
  /// The first paragraph of the message, on one line.
  public var summary: String
  /// The whole message.
  public var message: String
  /// The parents' SHA-1s, first parent first.
  public var parents: [String]

  /// Makes a commit value.
  public init(
    sha: String, treeID: String, author: GitSignature, committer: GitSignature, summary: String,
    message: String, parents: [String]
  ) {
    self.sha = sha
    self.treeID = treeID
    self.author = author
    self.committer = committer
    self.summary = summary
    self.message = message
    self.parents = parents
  }
}
