import OrderedCollections

/// The map of a `Value`: string keys in insertion order.
///
/// Equality and hashing ignore key order (two JSON objects with the same members are
/// equal); iteration, encoding and diffs keep it.
public struct ValueMap: Sendable {
  @usableFromInline var storage: OrderedDictionary<String, Value>

  /// An empty map.
  @inlinable public init() { storage = [:] }

  /// An empty map with room for `capacity` members.
  @inlinable public init(minimumCapacity capacity: Int) {
    storage = OrderedDictionary(minimumCapacity: capacity)
  }

  /// A map of `pairs` in their order; a repeated key keeps its first position and last value.
  public init(_ pairs: some Sequence<(String, Value)>) {
    storage = [:]
    for (k, v) in pairs { storage[k] = v }
  }

  /// The number of members.
  @inlinable public var count: Int { storage.count }
  /// True when there are no members.
  @inlinable public var isEmpty: Bool { storage.isEmpty }
  /// The keys in order.
  @inlinable public var keys: OrderedSet<String> { storage.keys }
  /// The values in key order.
  public var values: [Value] { Array(storage.values) }

  /// The member `key`; setting nil removes it, setting a new key appends it.
  @inlinable public subscript(key: String) -> Value? {
    get { storage[key] }
    set { storage[key] = newValue }
  }

  /// The position of `key` in order, or nil.
  @inlinable public func index(forKey key: String) -> Int? { storage.index(forKey: key) }

  /// The member at position `index`.
  @inlinable public func element(at index: Int) -> (key: String, value: Value) {
    (storage.keys[index], storage.values[index])
  }

  /// Sets `value` for `key` and returns the previous value.
  @discardableResult
  @inlinable public mutating func updateValue(_ value: Value, forKey key: String) -> Value? {
    storage.updateValue(value, forKey: key)
  }

  /// Removes `key` and returns its value.
  @discardableResult
  @inlinable public mutating func removeValue(forKey key: String) -> Value? {
    storage.removeValue(forKey: key)
  }

  /// The members sorted by key (canonical order for digests).
  public var sortedByKey: [(key: String, value: Value)] {
    storage.elements.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
  }
}

extension ValueMap: Sequence {
  public typealias Element = (key: String, value: Value)
  public struct Iterator: IteratorProtocol {
    @usableFromInline var base: OrderedDictionary<String, Value>.Iterator
    @inlinable init(base: OrderedDictionary<String, Value>.Iterator) { self.base = base }
    @inlinable public mutating func next() -> (key: String, value: Value)? {
      guard let e = base.next() else { return nil }
      return (e.key, e.value)
    }
  }
  @inlinable public func makeIterator() -> Iterator { Iterator(base: storage.makeIterator()) }
  @inlinable public var underestimatedCount: Int { storage.count }
}

extension ValueMap: Equatable {
  public static func == (lhs: ValueMap, rhs: ValueMap) -> Bool {
    guard lhs.storage.count == rhs.storage.count else { return false }
    for (k, v) in lhs.storage {
      guard let other = rhs.storage[k], other == v else { return false }
    }
    return true
  }
}

extension ValueMap: Hashable {
  public func hash(into hasher: inout Hasher) {
    // Order-independent: combine per-member hashes commutatively.
    var sum: Int = 0
    for (k, v) in storage {
      var h = Hasher()
      h.combine(k)
      h.combine(v)
      sum = sum &+ h.finalize()
    }
    hasher.combine(storage.count)
    hasher.combine(sum)
  }
}

extension ValueMap: ExpressibleByDictionaryLiteral {
  public init(dictionaryLiteral elements: (String, Value)...) { self.init(elements) }
}
