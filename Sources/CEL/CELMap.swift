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
  @usableFromInline var index: [Key: Int]

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
      if index[key] != nil { throw CELError("Failed with repeated key: \(k.debugText)") }
      index[key] = entries.count
      entries.append((k, v))
    }
  }

  public var count: Int { entries.count }
  public var isEmpty: Bool { entries.isEmpty }
  /// The keys in insertion order.
  public var keys: [CELValue] { entries.map(\.key) }

  /// The value for `key` (numeric keys match across int, uint and double).
  public subscript(key: CELValue) -> CELValue? {
    guard let k = Key(key), let i = index[k] else { return nil }
    return entries[i].value
  }

  /// The value for a string key.
  public subscript(string key: String) -> CELValue? {
    guard let i = index[.string(key)] else { return nil }
    return entries[i].value
  }

  /// Sets `value` for `key` (appending a new key); false when the key type is invalid.
  @discardableResult
  public mutating func set(_ key: CELValue, _ value: CELValue) -> Bool {
    guard let k = Key(key) else { return false }
    if let i = index[k] {
      entries[i].value = value
    } else {
      index[k] = entries.count
      entries.append((key, value))
    }
    return true
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
