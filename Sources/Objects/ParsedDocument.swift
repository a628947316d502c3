/// One decoded document of a manifest file: its value and where each node came from.
public struct ParsedDocument: Sendable {
  /// The decoded data.
  public var value: Value
  /// Positions of every node of `value`.
  public var source: SourceMap
  /// Index of the document in its stream (0-based), counting skipped empty ones.
  public var index: Int

  public init(value: Value, source: SourceMap, index: Int = 0) {
    self.value = value
    self.source = source
    self.index = index
  }

  /// The position of `path` in this document (see `SourceMap.position(of:in:key:)`).
  public func position(of path: ValuePath, key: Bool = false) -> SourcePosition {
    source.position(of: path, in: value, key: key)
  }
}
