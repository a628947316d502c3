/// The map of a `Value`: string keys in insertion order.
///
/// Equality and hashing ignore key order (two JSON objects with the same members are
/// equal); iteration, encoding and diffs keep it.
///
/// Storage is one contiguous array of members. Most maps in Kubernetes objects have a
/// handful of keys, where a linear scan beats hashing and one allocation beats two;
/// maps that grow past `indexThreshold` members also keep a key → position index.
public struct ValueMap: Sendable {
  /// One member.
  public typealias Element = (key: String, value: Value)

  @usableFromInline var members: ContiguousArray<Element>
  @usableFromInline var index: [String: Int]?

  @usableFromInline static var indexThreshold: Int { 12 }

  /// An empty map.
  @inlinable public init() {
    members = []
    index = nil
  }

  /// An empty map with room for `capacity` members.
  @inlinable public init(minimumCapacity capacity: Int) {
    members = []
    members.reserveCapacity(capacity)
    index = nil
  }

  /// A map of `pairs` in their order; a repeated key keeps its first position and last value.
  public init(_ pairs: some Sequence<(String, Value)>) {
    self.init()
    for (k, v) in pairs { self[k] = v }
  }

  /// The number of members.
  @inlinable public var count: Int { members.count }
  /// True when there are no members.
  @inlinable public var isEmpty: Bool { members.isEmpty }
  /// The keys in order.
  public var keys: [String] { members.map(\.key) }
  /// The values in key order.
  public var values: [Value] { members.map(\.value) }

  /// The position of `key` in order, or nil.
  @inlinable public func index(forKey key: String) -> Int? {
    if let index { return index[key] }
    // Comparing lengths first skips most full string comparisons.
    let n = key.utf8.count
    for i in members.indices where members[i].key.utf8.count == n && members[i].key == key {
      return i
    }
    return nil
  }

  /// The member `key`; setting nil removes it, setting a new key appends it.
  @inlinable public subscript(key: String) -> Value? {
    get {
      guard let i = index(forKey: key) else { return nil }
      return members[i].value
    }
    set {
      if let newValue {
        updateValue(newValue, forKey: key)
      } else {
        removeValue(forKey: key)
      }
    }
  }

  /// The member at position `index`.
  @inlinable public func element(at index: Int) -> Element { members[index] }

  /// Sets `value` for `key` (appending a new key) and returns the previous value.
  @discardableResult
  @inlinable public mutating func updateValue(_ value: Value, forKey key: String) -> Value? {
    if let i = index(forKey: key) {
      let old = members[i].value
      members[i].value = value
      return old
    }
    members.append((key, value))
    if index != nil {
      index![key] = members.count - 1
    } else if members.count > ValueMap.indexThreshold {
      buildIndex()
    }
    return nil
  }

  /// Appends a member whose key the caller knows is absent (decoders check first).
  @inlinable public mutating func appendNew(_ key: String, _ value: Value) {
    members.append((key, value))
    if index != nil {
      index![key] = members.count - 1
    } else if members.count > ValueMap.indexThreshold {
      buildIndex()
    }
  }

  /// Removes `key` and returns its value.
  @discardableResult
  @inlinable public mutating func removeValue(forKey key: String) -> Value? {
    guard let i = index(forKey: key) else { return nil }
    let old = members.remove(at: i).value
    if index != nil {
      if members.count > ValueMap.indexThreshold { buildIndex() } else { index = nil }
    }
    return old
  }

  @usableFromInline mutating func buildIndex() {
    var d = [String: Int](minimumCapacity: members.count * 2)
    for (i, m) in members.enumerated() { d[m.key] = i }
    index = d
  }

  /// The members sorted by key (canonical order for digests).
  public var sortedByKey: [Element] { members.sorted { $0.key < $1.key } }
}

extension ValueMap: Sequence {
  public typealias Iterator = IndexingIterator<ContiguousArray<Element>>
  @inlinable public func makeIterator() -> Iterator { members.makeIterator() }
  @inlinable public var underestimatedCount: Int { members.count }
}

extension ValueMap: Equatable {
  public static func == (lhs: ValueMap, rhs: ValueMap) -> Bool {
    guard lhs.members.count == rhs.members.count else { return false }
    for (i, m) in lhs.members.enumerated() {
      // Same order is the common case: compare in place before looking up.
      if i < rhs.members.count, rhs.members[i].key == m.key {
        guard rhs.members[i].value == m.value else { return false }
        continue
      }
      guard let other = rhs[m.key], other == m.value else { return false }
    }
    return true
  }
}

extension ValueMap: Hashable {
  public func hash(into hasher: inout Hasher) {
    // Order-independent: combine per-member hashes commutatively.
    var sum: Int = 0
    for m in members {
      var h = Hasher()
      h.combine(m.key)
      h.combine(m.value)
      sum = sum &+ h.finalize()
    }
    hasher.combine(members.count)
    hasher.combine(sum)
  }
}

extension ValueMap: ExpressibleByDictionaryLiteral {
  public init(dictionaryLiteral elements: (String, Value)...) { self.init(elements) }
}
