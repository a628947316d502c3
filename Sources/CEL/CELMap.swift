/// A CEL map: keys are bool, int, uint or string; insertion order is kept for
/// iteration. Numeric keys compare by value across types, as the CEL spec requires:
/// `{1: 'a'}[1u]` and `{1: 'a'}[1.0]` both find `'a'`.
public struct CELMap: Sendable {
  /// A normalized key: every integral number that fits Int64 becomes `.int`.
  public enum Key: Hashable, Sendable {
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)  // only values above Int64.max
    case string(String)

    /// The key for `value`, or nil when `value` cannot be a map key (or, for a double,
    /// is not integral).
    public init?(_ value: CELValue) {
      switch value {
      case .bool(let b): self = .bool(b)
      case .int(let i): self = .int(i)
      case .uint(let u): self = u <= UInt64(Int64.max) ? .int(Int64(u)) : .uint(u)
      case .string(let s): self = .string(s)
      case .double(let d):
        if let i = Int64(exactly: d) {
          self = .int(i)
        } else if let u = UInt64(exactly: d) {
          self = .uint(u)
        } else {
          return nil
        }
      default: return nil
      }
    }
  }

  public typealias Element = (key: CELValue, value: CELValue)

  @usableFromInline var entries: [Element]
  /// Positions by key, kept only for maps above `indexThreshold` entries: most maps
  /// (an object's metadata, labels, a container) are small, and scanning a few keys is
  /// cheaper than hashing every key of every map an object converts to.
  @usableFromInline var index: [Key: Int]

  /// Maps up to this many entries are searched by scanning.
  static let indexThreshold = 8

  public init() {
    entries = []
    index = [:]
  }

  /// Builds a map; fails on a key of an invalid type or a repeated key.
  public init(_ pairs: [(CELValue, CELValue)]) throws(CELError) {
    self.init()
    entries.reserveCapacity(pairs.count)
    for (k, v) in pairs {
      guard let key = Key(k), !k.isDoubleKey else {
        throw CELError("unsupported key type: \(k.type)")
      }
      if position(of: key) != nil { throw CELError("Failed with repeated key: \(k.debugText)") }
      append(key, k, v)
    }
  }

  /// A map of string keys known to be distinct (an object's map), built without checks.
  init(distinctStringKeys pairs: some Sequence<(String, CELValue)>, capacity: Int) {
    self.init()
    entries.reserveCapacity(capacity)
    for (k, v) in pairs { append(.string(k), .string(k), v) }
  }

  public var count: Int { entries.count }
  public var isEmpty: Bool { entries.isEmpty }
  /// The keys in insertion order.
  public var keys: [CELValue] { entries.map(\.key) }

  /// The value for `key` (numeric keys match across int, uint and double).
  public subscript(key: CELValue) -> CELValue? {
    guard let k = Key(key), let i = position(of: k) else { return nil }
    return entries[i].value
  }

  /// The value for a string key.
  public subscript(string key: String) -> CELValue? {
    guard let i = position(of: .string(key)) else { return nil }
    return entries[i].value
  }

  /// Sets `value` for `key` (appending a new key); false when the key type is invalid.
  @discardableResult
  public mutating func set(_ key: CELValue, _ value: CELValue) -> Bool {
    guard let k = Key(key) else { return false }
    if let i = position(of: k) {
      entries[i].value = value
    } else {
      append(k, key, value)
    }
    return true
  }

  /// Where `key` is in `entries`.
  func position(of key: Key) -> Int? {
    if entries.count > Self.indexThreshold { return index[key] }
    if case .string(let wanted) = key {
      // The common case, without building a Key per entry.
      for i in entries.indices {
        if case .string(let s) = entries[i].key, s == wanted { return i }
      }
      return nil
    }
    for i in entries.indices where Key(entries[i].key) == key { return i }
    return nil
  }

  /// Appends a new entry, building the index when the map outgrows scanning.
  private mutating func append(_ key: Key, _ original: CELValue, _ value: CELValue) {
    entries.append((original, value))
    if entries.count > Self.indexThreshold {
      if index.isEmpty {
        index.reserveCapacity(entries.count * 2)
        for i in entries.indices {
          if let k = Key(entries[i].key) { index[k] = i }
        }
      } else {
        index[key] = entries.count - 1
      }
    }
  }
}

extension CELMap: Sequence {
  public func makeIterator() -> IndexingIterator<[Element]> { entries.makeIterator() }
}

extension CELValue {
  /// Doubles are not valid map keys in literals, though lookups with integral doubles work.
  var isDoubleKey: Bool {
    if case .double = self { return true }
    return false
  }
}
