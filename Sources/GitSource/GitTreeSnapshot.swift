/// The files under a path at one commit.
public struct GitTreeSnapshot: Sendable, Hashable {
  /// The commit read.
  public var commitSHA: String
  /// The path walked, normalised (no leading `./` or `/`, no trailing `/`; empty for the
  /// root).
  public var path: String
  /// The SHA-1 of the tree at `path`: if it is unchanged, so is every file under it.
  public var treeID: String
  /// The matching files in path order.
  public var files: [GitFile]

  /// Makes a snapshot.
  public init(commitSHA: String, path: String, treeID: String, files: [GitFile]) {
    self.commitSHA = commitSHA
    self.path = path
    self.treeID = treeID
    self.files = files
  }
}
