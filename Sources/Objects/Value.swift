/// A JSON-like value: the dynamic data every Mooring object is made of.
///
/// Maps keep their keys in insertion order, so that diffs, round-trips and error
/// messages follow the author's order, while equality and hashing ignore that order
/// as JSON semantics require. Copies are cheap: lists and maps share storage until
/// one side writes (copy on write).
public enum Value: Sendable {
  case null
  case bool(Bool)
  case int(Int64)
  case double(Double)
  case string(String)
  case list([Value])
  case map(ValueMap)
}

extension Value: Equatable {
  public static func == (lhs: Value, rhs: Value) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.int(let a), .int(let b)): return a == b
    case (.double(let a), .double(let b)): return a == b
    case (.string(let a), .string(let b)): return a == b
    case (.list(let a), .list(let b)): return a == b
    case (.map(let a), .map(let b)): return a == b
    default: return false
    }
  }
}

extension Value: Hashable {
  public func hash(into hasher: inout Hasher) {
    switch self {
    case .null: hasher.combine(0 as UInt8)
    case .bool(let b):
      hasher.combine(1 as UInt8)
      hasher.combine(b)
    case .int(let i):
      hasher.combine(2 as UInt8)
      hasher.combine(i)
    case .double(let d):
      hasher.combine(3 as UInt8)
      hasher.combine(d)
    case .string(let s):
      hasher.combine(4 as UInt8)
      hasher.combine(s)
    case .list(let l):
      hasher.combine(5 as UInt8)
      hasher.combine(l)
    case .map(let m):
      hasher.combine(6 as UInt8)
      hasher.combine(m)
    }
  }
}

// MARK: - Typed access

extension Value {
  /// The kind of this value, named as Kubernetes' OpenAPI names types.
  public var typeName: String {
    switch self {
    case .null: return "null"
    case .bool: return "boolean"
    case .int: return "integer"
    case .double: return "number"
    case .string: return "string"
    case .list: return "array"
    case .map: return "object"
    }
  }

  /// True for `.null`.
  public var isNull: Bool {
    if case .null = self { return true }
    return false
  }

  /// The boolean, when this is `.bool`.
  public var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }

  /// The integer, when this is `.int`.
  public var intValue: Int64? {
    if case .int(let i) = self { return i }
    return nil
  }

  /// The number as a double, when this is `.int` or `.double`.
  public var doubleValue: Double? {
    switch self {
    case .int(let i): return Double(i)
    case .double(let d): return d
    default: return nil
    }
  }

  /// The string, when this is `.string`.
  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  /// The elements, when this is `.list`.
  public var listValue: [Value]? {
    if case .list(let l) = self { return l }
    return nil
  }

  /// The map, when this is `.map`.
  public var mapValue: ValueMap? {
    if case .map(let m) = self { return m }
    return nil
  }

  /// The member `key` of a map; nil when absent or when this is not a map.
  /// Setting a member of a non-map turns this value into a map; setting nil removes it.
  public subscript(key: String) -> Value? {
    get {
      if case .map(let m) = self { return m[key] }
      return nil
    }
    set {
      var m: ValueMap
      if case .map(let existing) = self {
        m = existing
        self = .null  // drop our reference so `m` stays uniquely referenced
      } else {
        if newValue == nil { return }
        m = ValueMap()
      }
      m[key] = newValue
      self = .map(m)
    }
  }

  /// The element at `index` of a list; nil when out of range or not a list.
  public subscript(index: Int) -> Value? {
    if case .list(let l) = self, l.indices.contains(index) { return l[index] }
    return nil
  }

  /// The value at `path`, or nil when any step is missing.
  /// Setting creates missing maps on the way but never list elements: a path through a
  /// missing element changes nothing. Setting nil removes the member or element.
  public subscript(path path: ValuePath) -> Value? {
    get {
      var current = self
      for component in path.components {
        switch component {
        case .key(let k):
          guard let next = current[k] else { return nil }
          current = next
        case .index(let i):
          guard let next = current[i] else { return nil }
          current = next
        }
      }
      return current
    }
    set {
      setValue(newValue, at: path.components[...])
    }
  }

  /// Sets the value at `path`; false (and `self` unchanged) when the path cannot be set.
  @discardableResult
  private mutating func setValue(_ newValue: Value?, at path: ArraySlice<ValuePath.Component>)
    -> Bool
  {
    guard let first = path.first else {
      self = newValue ?? .null
      return true
    }
    let rest = path.dropFirst()
    switch first {
    case .key(let k):
      if rest.isEmpty {
        self[k] = newValue
      } else {
        var child = self[k] ?? .null
        if child.isNull, newValue == nil { return false }
        guard child.setValue(newValue, at: rest) else { return false }
        self[k] = child
      }
      return true
    case .index(let i):
      guard case .list(var l) = self, l.indices.contains(i) else { return false }
      self = .null
      var changed = true
      if rest.isEmpty {
        if let newValue { l[i] = newValue } else { l.remove(at: i) }
      } else {
        changed = l[i].setValue(newValue, at: rest)
      }
      self = .list(l)
      return changed
    }
  }
}

// MARK: - Literals

extension Value: ExpressibleByNilLiteral {
  public init(nilLiteral: ()) { self = .null }
}

extension Value: ExpressibleByBooleanLiteral {
  public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension Value: ExpressibleByIntegerLiteral {
  public init(integerLiteral value: Int64) { self = .int(value) }
}

extension Value: ExpressibleByFloatLiteral {
  public init(floatLiteral value: Double) { self = .double(value) }
}

extension Value: ExpressibleByStringLiteral {
  public init(stringLiteral value: String) { self = .string(value) }
}

extension Value: ExpressibleByArrayLiteral {
  public init(arrayLiteral elements: Value...) { self = .list(elements) }
}

extension Value: ExpressibleByDictionaryLiteral {
  public init(dictionaryLiteral elements: (String, Value)...) {
    self = .map(ValueMap(elements))
  }
}

extension Value: CustomStringConvertible {
  /// Compact JSON, the form error messages quote values in.
  public var description: String { JSON.encode(self) }
}
