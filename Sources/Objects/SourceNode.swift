/// Where each node of a decoded `Value` came from, in a tree shaped like the value.
///
/// For a map, `children[i]` is the value of the i-th key and `keyPositions[i]` the key
/// itself; for a list, `children[i]` is the i-th element; scalars have neither.
public struct SourceNode: Sendable {
  public var position: SourcePosition
  public var keyPositions: [SourcePosition]
  public var children: [SourceNode]

  public init(
    position: SourcePosition, keyPositions: [SourcePosition] = [], children: [SourceNode] = []
  ) {
    self.position = position
    self.keyPositions = keyPositions
    self.children = children
  }

  /// The position of the node at `path` in `value` (which this tree describes).
  /// When the path leaves the value, the deepest node reached answers, so an error
  /// about a missing field points at the map that lacks it. With `key: true`, a map
  /// member answers with its key's position rather than its value's.
  public func position(of path: ValuePath, in value: Value, key: Bool = false) -> SourcePosition {
    var node = self
    var current = value
    for (n, component) in path.components.enumerated() {
      let last = n == path.components.count - 1
      switch component {
      case .key(let k):
        guard case .map(let m) = current, let i = m.index(forKey: k), i < node.children.count
        else { return node.position }
        if last && key && i < node.keyPositions.count { return node.keyPositions[i] }
        current = m.element(at: i).value
        node = node.children[i]
      case .index(let i):
        guard case .list(let l) = current, l.indices.contains(i), i < node.children.count
        else { return node.position }
        current = l[i]
        node = node.children[i]
      }
    }
    return node.position
  }
}
