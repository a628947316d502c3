/// Where each node of a decoded `Value` came from: one flat array per document.
///
/// Entries are in document order (pre-order): a node, then its children's subtrees in
/// order. Each entry knows its own position, the position of its key when it is a map
/// member, and the size of its subtree, so the i-th child of a node is found by
/// skipping i sibling subtrees. One array per document instead of one per node keeps
/// decoding fast; lookups only happen when an error is reported.
public struct SourceMap: Sendable {
  /// One node's positions (1-based lines and columns; 0 when unknown).
  public struct Entry: Sendable, Equatable {
    public var line: Int32
    public var column: Int32
    public var keyLine: Int32
    public var keyColumn: Int32
    /// Number of entries in this node's subtree, itself included.
    public var size: Int32

    public init(_ position: SourcePosition, key: SourcePosition? = nil, size: Int32 = 1) {
      line = Int32(position.line)
      column = Int32(position.column)
      keyLine = Int32(key?.line ?? 0)
      keyColumn = Int32(key?.column ?? 0)
      self.size = size
    }

    public var position: SourcePosition { SourcePosition(line: Int(line), column: Int(column)) }
    public var keyPosition: SourcePosition? {
      keyLine == 0 ? nil : SourcePosition(line: Int(keyLine), column: Int(keyColumn))
    }
  }

  /// The entries, the root first.
  public var entries: [Entry]

  public init(entries: [Entry]) { self.entries = entries }

  /// A map of a single node at `position`.
  public init(position: SourcePosition) { entries = [Entry(position)] }

  /// The root's position.
  public var position: SourcePosition {
    entries.first?.position ?? SourcePosition(line: 1, column: 1)
  }

  /// The entry index of the `n`-th child of the node at `index`, if it exists.
  public func child(_ n: Int, of index: Int) -> Int? {
    guard index < entries.count else { return nil }
    let end = index + Int(entries[index].size)
    var c = index + 1
    var k = 0
    while c < end {
      if k == n { return c }
      c += max(1, Int(entries[c].size))
      k += 1
    }
    return nil
  }

  /// The entry index of the node at `path` in `value` (which this map describes), or of
  /// the deepest node on the way when the path leaves the value.
  public func index(of path: ValuePath, in value: Value) -> (index: Int, complete: Bool) {
    var index = 0
    var current = value
    for component in path.components {
      let n: Int
      switch component {
      case .key(let k):
        guard case .map(let m) = current, let i = m.index(forKey: k) else {
          return (index, false)
        }
        current = m.element(at: i).value
        n = i
      case .index(let i):
        guard case .list(let l) = current, l.indices.contains(i) else { return (index, false) }
        current = l[i]
        n = i
      }
      guard let c = child(n, of: index) else { return (index, false) }
      index = c
    }
    return (index, true)
  }

  /// The position of the node at `path` in `value`. When the path leaves the value, the
  /// deepest node reached answers, so an error about a missing field points at the map
  /// that lacks it. With `key: true`, a map member answers with its key's position.
  public func position(of path: ValuePath, in value: Value, key: Bool = false) -> SourcePosition {
    guard !entries.isEmpty else { return SourcePosition(line: 1, column: 1) }
    let (i, complete) = index(of: path, in: value)
    let e = entries[i]
    if key, complete, let k = e.keyPosition { return k }
    return e.position
  }

  /// The part of this map that describes the node at `path` (its own root).
  public func subtree(at path: ValuePath, in value: Value) -> SourceMap {
    guard !entries.isEmpty else { return self }
    let (i, _) = index(of: path, in: value)
    let end = min(entries.count, i + Int(entries[i].size))
    var sub = Array(entries[i..<end])
    sub[0].keyLine = 0
    sub[0].keyColumn = 0
    return SourceMap(entries: sub)
  }
}
