/// What a fetch did.
public struct GitFetchSummary: Sendable, Hashable {
  /// Whether this fetch created the mirror (the first clone).
  public var cloned: Bool
  /// References created, moved or deleted, e.g. `refs/heads/main`.
  public var updatedReferences: [String]
  /// Objects received from the remote.
  public var receivedObjects: Int
  /// Bytes received from the remote.
  public var receivedBytes: Int

  /// Makes a summary.
  public init(cloned: Bool, updatedReferences: [String], receivedObjects: Int, receivedBytes: Int) {
    self.cloned = cloned
    self.updatedReferences = updatedReferences
    self.receivedObjects = receivedObjects
    self.receivedBytes = receivedBytes
  }
}
