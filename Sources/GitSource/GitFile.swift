/// A file read from a commit's tree.
public struct GitFile: Sendable, Hashable {
  /// The path relative to the repository root, `/`-separated.
  public var path: String
  /// The blob's SHA-1: equal ids mean equal bytes, so callers can cache by it.
  public var blobID: String
  /// The blob's bytes.
  public var content: [UInt8]

  /// Makes a file value.
  public init(path: String, blobID: String, content: [UInt8]) {
    self.path = path
    self.blobID = blobID
    self.content = content
  }
}
