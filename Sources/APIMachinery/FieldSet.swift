import Objects

/// One step of a field path, as structured-merge-diff names it.
public enum FieldPathElement: Sendable, Hashable {
  /// A member of a map (`f:name`).
  case field(String)
  /// The item of a keyed list whose key fields have these values (`k:{"name":"x"}`).
  case key(ValueMap)
  /// The item of a set with this value (`v:"x"`).
  case value(Value)
  /// An item of a list by position (`i:0`), for items that have no key.
  case index(Int)
}

extension FieldPathElement: Comparable {
  /// structured-merge-diff's order: fields, then keys, then values, then indexes.
  public static func < (lhs: FieldPathElement, rhs: FieldPathElement) -> Bool {
    switch (lhs, rhs) {
    case (.field(let a), .field(let b)): return a.utf8.lexicographicallyPrecedes(b.utf8)
    case (.key(let a), .key(let b)): return ValueOrder.compare(.map(a), .map(b)) < 0
    case (.value(let a), .value(let b)): return ValueOrder.compare(a, b) < 0
    case (.index(let a), .index(let b)): return a < b
    default: return lhs.rank < rhs.rank
    }
  }

  private var rank: Int {
    switch self {
    case .field: return 0
    case .key: return 1
    case .value: return 2
    case .index: return 3
    }
  }
}

extension FieldPathElement: CustomStringConvertible {
  /// The element as kube prints it in conflicts: `.name`, `[name="x"]`, `[="x"]`, `[0]`.
  public var description: String {
    switch self {
    case .field(let name): return "." + name
    case .key(let fields):
      let parts = fields.sortedByKey.map { "\($0.key)=\(JSON.encode($0.value, sortedKeys: true))" }
      return "[" + parts.joined(separator: ",") + "]"
    case .value(let v): return "[=\(JSON.encode(v, sortedKeys: true))]"
    case .index(let i): return "[\(i)]"
    }
  }

  /// The FieldsV1 key of the element: `f:name`, `k:{"name":"x"}`, `v:"x"`, `i:0`.
  public var serialized: String {
    switch self {
    case .field(let name): return "f:" + name
    case .key(let fields): return "k:" + JSON.encode(.map(fields), sortedKeys: true)
    case .value(let v): return "v:" + JSON.encode(v, sortedKeys: true)
    case .index(let i): return "i:\(i)"
    }
  }

  /// Parses a FieldsV1 key; nil for an element type this version does not know (which
  /// structured-merge-diff ignores too).
  public init?(serialized text: String) throws(FieldSetError) {
    let utf8 = Array(text.utf8)
    guard utf8.count >= 2, utf8[1] == UInt8(ascii: ":") else {
      throw FieldSetError("invalid path element \"\(text)\": missing type prefix")
    }
    let rest = String(decoding: utf8[2...], as: UTF8.self)
    switch utf8[0] {
    case UInt8(ascii: "f"):
      self = .field(rest)
    case UInt8(ascii: "k"):
      guard case .map(let fields)? = try? JSON.decode(rest) else {
        throw FieldSetError("invalid path element \"\(text)\": key is not a JSON object")
      }
      self = .key(fields)
    case UInt8(ascii: "v"):
      guard let value = try? JSON.decode(rest) else {
        throw FieldSetError("invalid path element \"\(text)\": value is not JSON")
      }
      self = .value(value)
    case UInt8(ascii: "i"):
      guard let i = Int(rest) else {
        throw FieldSetError("invalid path element \"\(text)\": index is not an integer")
      }
      self = .index(i)
    default:
      return nil
    }
  }
}

/// A path to a field: `.spec.matchConditions[name="a"].expression`.
public struct FieldPath: Sendable, Hashable, Comparable, CustomStringConvertible,
  ExpressibleByArrayLiteral
{
  /// The steps, outermost first.
  public var elements: [FieldPathElement]

  /// A path of `elements`.
  public init(_ elements: [FieldPathElement]) { self.elements = elements }

  public init(arrayLiteral elements: FieldPathElement...) { self.elements = elements }

  /// A path of map members: `FieldPath.fields("spec", "displayName")`.
  public static func fields(_ names: String...) -> FieldPath {
    FieldPath(names.map(FieldPathElement.field))
  }

  /// This path extended by `element`.
  public func appending(_ element: FieldPathElement) -> FieldPath {
    FieldPath(elements + [element])
  }

  /// The path as kube prints it in conflict messages (`.spec.displayName`).
  public var description: String { elements.map(\.description).joined() }

  public static func < (lhs: FieldPath, rhs: FieldPath) -> Bool {
    lhs.elements.lexicographicallyPrecedes(rhs.elements)
  }
}

/// A malformed FieldsV1 document.
public struct FieldSetError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What is wrong.
  public var message: String

  /// An error with `message`.
  public init(_ message: String) { self.message = message }

  public var description: String { message }
}

/// A set of field paths, the `fieldsV1` of a managedFields entry.
///
/// Stored as structured-merge-diff stores it: a tree whose nodes hold the path elements that
/// end a member path (`members`) and the subtrees below elements (`children`). A path can be
/// both a member and a prefix of other members (`.: {}` in FieldsV1). Empty subtrees are never
/// kept, so equal sets compare equal.
public struct FieldSet: Sendable, Hashable {
  private var members: Set<FieldPathElement>
  private var children: [FieldPathElement: FieldSet]

  /// The empty set.
  public init() {
    members = []
    children = [:]
  }

  /// The set of `paths`.
  public init(_ paths: some Sequence<FieldPath>) {
    self.init()
    for path in paths { insert(path) }
  }

  /// True when the set has no paths.
  public var isEmpty: Bool { members.isEmpty && children.isEmpty }

  /// Adds `path` (the empty path is ignored).
  public mutating func insert(_ path: FieldPath) {
    insert(path.elements[...])
  }

  private mutating func insert(_ path: ArraySlice<FieldPathElement>) {
    guard let first = path.first else { return }
    if path.count == 1 {
      members.insert(first)
    } else {
      children[first, default: FieldSet()].insert(path.dropFirst())
    }
  }

  /// True when `path` is in the set.
  public func contains(_ path: FieldPath) -> Bool {
    guard let node = node(at: path.elements.dropLast()), let last = path.elements.last else {
      return false
    }
    return node.members.contains(last)
  }

  /// True when `path` or a path below it is in the set.
  public func containsPathOrDescendant(of path: FieldPath) -> Bool {
    guard let node = node(at: path.elements.dropLast()), let last = path.elements.last else {
      return false
    }
    return node.members.contains(last) || node.children[last] != nil
  }

  private func node(at prefix: ArraySlice<FieldPathElement>) -> FieldSet? {
    var node = self
    for element in prefix {
      guard let child = node.children[element] else { return nil }
      node = child
    }
    return node
  }

  /// The paths in the set, sorted (a path before the paths below it).
  public var paths: [FieldPath] {
    var out: [FieldPath] = []
    collect(prefix: [], into: &out)
    return out
  }

  private func collect(prefix: [FieldPathElement], into out: inout [FieldPath]) {
    for element in Set(members).union(children.keys).sorted() {
      let path = prefix + [element]
      if members.contains(element) { out.append(FieldPath(path)) }
      children[element]?.collect(prefix: path, into: &out)
    }
  }

  /// The paths in either set.
  public func union(_ other: FieldSet) -> FieldSet {
    var out = self
    out.members.formUnion(other.members)
    for (element, child) in other.children {
      out.children[element] = out.children[element].map { $0.union(child) } ?? child
    }
    return out
  }

  /// The paths of this set that are not in `other`.
  public func subtracting(_ other: FieldSet) -> FieldSet {
    var out = FieldSet()
    out.members = members.subtracting(other.members)
    for (element, child) in children {
      let rest = other.children[element].map { child.subtracting($0) } ?? child
      if !rest.isEmpty { out.children[element] = rest }
    }
    return out
  }

  /// The paths in both sets.
  public func intersection(_ other: FieldSet) -> FieldSet {
    var out = FieldSet()
    out.members = members.intersection(other.members)
    for (element, child) in children {
      guard let theirs = other.children[element] else { continue }
      let both = child.intersection(theirs)
      if !both.isEmpty { out.children[element] = both }
    }
    return out
  }

  /// The paths of this set that are neither in `other` nor below a path of `other`
  /// (structured-merge-diff's `RecursiveDifference`, used for reset fields).
  public func subtractingRecursively(_ other: FieldSet) -> FieldSet {
    var out = FieldSet()
    out.members = members.subtracting(other.members)
    for (element, child) in children where !other.members.contains(element) {
      let rest = other.children[element].map { child.subtractingRecursively($0) } ?? child
      if !rest.isEmpty { out.children[element] = rest }
    }
    return out
  }
}

// MARK: - FieldsV1

extension FieldSet {
  /// The set as a FieldsV1 document: `{"f:spec":{"f:replicas":{}}}`, keys sorted as
  /// structured-merge-diff sorts them, `".": {}` marking a member that also has children.
  public var fieldsV1: Value { .map(encoded()) }

  private func encoded() -> ValueMap {
    var out = ValueMap()
    for element in Set(members).union(children.keys).sorted() {
      if let child = children[element] {
        var inner = child.encoded()
        if members.contains(element) { inner["."] = .map(ValueMap()) }
        out[element.serialized] = .map(inner)
      } else {
        out[element.serialized] = .map(ValueMap())
      }
    }
    return out
  }

  /// The set a FieldsV1 document describes.
  public init(fieldsV1: Value) throws(FieldSetError) {
    guard case .map(let members) = fieldsV1 else {
      throw FieldSetError("fieldsV1 must be a JSON object, not \(fieldsV1.typeName)")
    }
    self = try FieldSet.decode(members)
  }

  private static func decode(_ map: ValueMap) throws(FieldSetError) -> FieldSet {
    var node = FieldSet()
    for (key, value) in map where key != "." {
      guard case .map(let inner) = value else {
        throw FieldSetError("fieldsV1 member \"\(key)\" must be a JSON object")
      }
      guard let element = try FieldPathElement(serialized: key) else { continue }
      let child = try decode(inner)
      if child.isEmpty || inner["."] != nil { node.members.insert(element) }
      if !child.isEmpty {
        node.children[element] = node.children[element].map { $0.union(child) } ?? child
      }
    }
    return node
  }
}

extension FieldSet: CustomStringConvertible {
  /// The FieldsV1 document as compact JSON.
  public var description: String { JSON.encode(fieldsV1) }
}

// MARK: - Sets of values

extension FieldSet {
  /// The fields an applied configuration sets, as structured-merge-diff's `ToFieldSet`:
  /// every scalar and atomic list or map is a member; maps are not members themselves (only
  /// their fields); the items of keyed lists and sets are members (`k:{…}`, `v:…`), and the
  /// fields of keyed items too.
  public init(fieldsOf value: Value, strategies: PatchStrategies) {
    self.init()
    let walker = Walker(strategies: strategies)
    walker.collect(value, path: [], schema: "", into: &self)
  }

  /// The paths of two versions of an object that differ (structured-merge-diff's `Compare`).
  public struct Comparison: Sendable, Equatable {
    /// Fields only the new version has, the containers (maps, list items) included.
    public var added = FieldSet()
    /// Scalars, atomic lists and atomic maps whose value changed.
    public var modified = FieldSet()
    /// Fields only the old version has, the containers included.
    public var removed = FieldSet()

    /// No differences.
    public init() {}

    /// True when the versions are the same.
    public var isEmpty: Bool { added.isEmpty && modified.isEmpty && removed.isEmpty }
  }

  /// The differences between `old` and `new` (nil: absent), under `strategies`.
  public static func compare(_ old: Value?, _ new: Value?, strategies: PatchStrategies)
    -> Comparison
  {
    var out = Comparison()
    let walker = Walker(strategies: strategies)
    walker.compare(old, new, path: [], schema: "", into: &out)
    return out
  }

  /// The path element of item `index` of the list at `schema`.
  static func element(
    of item: Value, at index: Int, listType: PatchStrategies.ListType
  ) -> FieldPathElement {
    switch listType {
    case .atomic:
      return .index(index)
    case .set:
      return .value(item)
    case .map(let keys):
      guard case .map(let m) = item else { return .index(index) }
      var fields = ValueMap(minimumCapacity: keys.count)
      for key in keys {
        guard let v = m[key] else { return .index(index) }
        fields[key] = v
      }
      return .key(fields)
    }
  }

  /// Items of a granular list by path element; the first item wins on duplicates.
  static func indexed(_ list: [Value], listType: PatchStrategies.ListType)
    -> [(FieldPathElement, Value)]
  {
    var seen = Set<FieldPathElement>()
    var out: [(FieldPathElement, Value)] = []
    for (i, item) in list.enumerated() {
      let element = element(of: item, at: i, listType: listType)
      if seen.insert(element).inserted { out.append((element, item)) }
    }
    return out
  }
}

/// Walks values under a schema of strategies.
private struct Walker {
  let strategies: PatchStrategies

  /// True when the map at `schema` is owned as a whole.
  func isAtomicMap(_ schema: String) -> Bool { strategies[schema]?.atomic ?? false }

  /// The list type at `schema`.
  func listType(_ schema: String) -> PatchStrategies.ListType {
    strategies[schema]?.listType ?? .atomic
  }

  func collect(
    _ value: Value, path: [FieldPathElement], schema: String, into set: inout FieldSet
  ) {
    switch value {
    case .map(let m) where path.isEmpty || !isAtomicMap(schema):
      for (key, child) in m {
        collect(
          child, path: path + [.field(key)], schema: PatchStrategies.child(schema, key), into: &set)
      }
    case .list(let items) where listType(schema) != .atomic:
      let itemSchema = PatchStrategies.items(schema)
      for (element, item) in FieldSet.indexed(items, listType: listType(schema)) {
        let itemPath = path + [element]
        if case .map = item, case .key = element {
          collect(item, path: itemPath, schema: itemSchema, into: &set)
        }
        set.insert(FieldPath(itemPath))
      }
    default:
      set.insert(FieldPath(path))
    }
  }

  /// Every path of `value` at `path`: itself (unless the root) and everything below it.
  func all(
    _ value: Value, path: [FieldPathElement], schema: String, into set: inout FieldSet
  ) {
    set.insert(FieldPath(path))
    switch value {
    case .map(let m) where path.isEmpty || !isAtomicMap(schema):
      for (key, child) in m {
        all(
          child, path: path + [.field(key)], schema: PatchStrategies.child(schema, key), into: &set)
      }
    case .list(let items) where listType(schema) != .atomic:
      let itemSchema = PatchStrategies.items(schema)
      for (element, item) in FieldSet.indexed(items, listType: listType(schema)) {
        all(item, path: path + [element], schema: itemSchema, into: &set)
      }
    default:
      break
    }
  }

  func compare(
    _ old: Value?, _ new: Value?, path: [FieldPathElement], schema: String,
    into out: inout FieldSet.Comparison
  ) {
    switch (old, new) {
    case (nil, nil):
      return
    case (nil, let new?):
      all(new, path: path, schema: schema, into: &out.added)
    case (let old?, nil):
      all(old, path: path, schema: schema, into: &out.removed)
    case (.map(let a)?, .map(let b)?) where path.isEmpty || !isAtomicMap(schema):
      for (key, child) in a {
        compare(
          child, b[key], path: path + [.field(key)], schema: PatchStrategies.child(schema, key),
          into: &out)
      }
      for (key, child) in b where a[key] == nil {
        compare(
          nil, child, path: path + [.field(key)], schema: PatchStrategies.child(schema, key),
          into: &out)
      }
    case (.list(let a)?, .list(let b)?) where listType(schema) != .atomic:
      let type = listType(schema)
      let itemSchema = PatchStrategies.items(schema)
      let before = FieldSet.indexed(a, listType: type)
      let after = FieldSet.indexed(b, listType: type)
      var afterByElement: [FieldPathElement: Value] = [:]
      for (element, item) in after { afterByElement[element] = item }
      var beforeElements = Set<FieldPathElement>()
      for (element, item) in before {
        beforeElements.insert(element)
        compare(
          item, afterByElement[element], path: path + [element], schema: itemSchema, into: &out)
      }
      for (element, item) in after where !beforeElements.contains(element) {
        compare(nil, item, path: path + [element], schema: itemSchema, into: &out)
      }
    case (let old?, let new?):
      if old != new { out.modified.insert(FieldPath(path)) }
    }
  }
}

/// A total order over values (structured-merge-diff's `value.Compare`): numbers, strings,
/// booleans, lists, maps, null.
enum ValueOrder {
  static func compare(_ a: Value, _ b: Value) -> Int {
    let (ra, rb) = (rank(a), rank(b))
    if ra != rb { return ra < rb ? -1 : 1 }
    switch (a, b) {
    case (.string(let x), .string(let y)):
      if x == y { return 0 }
      return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1
    case (.bool(let x), .bool(let y)):
      return x == y ? 0 : (!x ? -1 : 1)
    case (.list(let x), .list(let y)):
      for (l, r) in zip(x, y) {
        let c = compare(l, r)
        if c != 0 { return c }
      }
      return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
    case (.map(let x), .map(let y)):
      for (l, r) in zip(x.sortedByKey, y.sortedByKey) {
        if l.key != r.key { return l.key.utf8.lexicographicallyPrecedes(r.key.utf8) ? -1 : 1 }
        let c = compare(l.value, r.value)
        if c != 0 { return c }
      }
      return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
    default:
      guard let x = a.doubleValue, let y = b.doubleValue else { return 0 }
      if case .int(let i) = a, case .int(let j) = b { return i == j ? 0 : (i < j ? -1 : 1) }
      return x == y ? 0 : (x < y ? -1 : 1)
    }
  }

  private static func rank(_ v: Value) -> Int {
    switch v {
    case .int, .double: return 0
    case .string: return 1
    case .bool: return 2
    case .list: return 3
    case .map: return 4
    case .null: return 5
    }
  }
}
