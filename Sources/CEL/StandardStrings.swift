/// `size` (global and receiver), `contains`, `startsWith`, `endsWith`, `in` (`@in`) and
/// indexing (`_[_]`) of lists and maps. Strings compare by bytes (code points), never by
/// Swift's canonical equivalence; `size` of a string counts code points.
enum StandardStrings {
  static let functions: [CELFunction] = [size, contains, startsWith, endsWith, inFunction, index]

  // MARK: size

  static let size: CELFunction = {
    let a = StandardLibrary.a
    let b = StandardLibrary.b
    var overloads: [CELOverload] = []
    for instance in [false, true] {
      let ids =
        instance
        ? ["string_size", "bytes_size", "list_size", "map_size"]
        : ["size_string", "size_bytes", "size_list", "size_map"]
      overloads += [
        StandardLibrary.unary(ids[0], .string, .int, instance: instance, sizeOf),
        StandardLibrary.unary(ids[1], .bytes, .int, instance: instance, sizeOf),
        StandardLibrary.unary(
          ids[2], .list(a), .int, instance: instance, typeParams: ["A"], sizeOf),
        StandardLibrary.unary(
          ids[3], .map(a, b), .int, instance: instance, typeParams: ["A", "B"], sizeOf),
      ]
    }
    return CELFunction("size", overloads)
  }()

  @Sendable static func sizeOf(_ v: CELValue) -> CELValue {
    switch v {
    case .string(let s): return .int(Int64(codePointCount(s)))
    case .bytes(let b): return .int(Int64(b.count))
    case .list(let l): return .int(Int64(l.count))
    case .map(let m): return .int(Int64(m.count))
    default: return .noSuchOverload("size", v)
    }
  }

  /// The number of Unicode code points in `s` (UTF-8 lead bytes).
  static func codePointCount(_ s: String) -> Int {
    var n = 0
    for byte in s.utf8 where byte & 0xC0 != 0x80 { n += 1 }
    return n
  }

  // MARK: contains, startsWith, endsWith

  static let contains = CELFunction(
    "contains",
    [
      StandardLibrary.binary("contains_string", .string, .string, .bool, instance: true) {
        guard case .string(let s) = $0, case .string(let t) = $1 else {
          return .noSuchOverload("contains", $0, $1)
        }
        return .bool(stringContains(s, t))
      }
    ])

  static let startsWith = CELFunction(
    "startsWith",
    [
      StandardLibrary.binary("starts_with_string", .string, .string, .bool, instance: true) {
        guard case .string(let s) = $0, case .string(let t) = $1 else {
          return .noSuchOverload("startsWith", $0, $1)
        }
        return .bool(s.utf8.starts(with: t.utf8))
      }
    ])

  static let endsWith = CELFunction(
    "endsWith",
    [
      StandardLibrary.binary("ends_with_string", .string, .string, .bool, instance: true) {
        guard case .string(let s) = $0, case .string(let t) = $1 else {
          return .noSuchOverload("endsWith", $0, $1)
        }
        let u = s.utf8
        let v = t.utf8
        guard v.count <= u.count else { return .bool(false) }
        return .bool(u[u.index(u.endIndex, offsetBy: -v.count)...].elementsEqual(v))
      }
    ])

  /// True when `needle`'s bytes occur in `haystack`'s.
  static func stringContains(_ haystack: String, _ needle: String) -> Bool {
    if needle.isEmpty { return true }
    var h = haystack
    var n = needle
    return h.withUTF8 { hb in
      n.withUTF8 { nb in bytesContain(hb, nb) }
    }
  }

  static func bytesContain(
    _ h: UnsafeBufferPointer<UInt8>, _ n: UnsafeBufferPointer<UInt8>
  ) -> Bool {
    guard let first = n.first else { return true }
    guard n.count <= h.count else { return false }
    var i = 0
    let last = h.count - n.count
    while i <= last {
      if h[i] == first {
        var j = 1
        while j < n.count && h[i + j] == n[j] { j += 1 }
        if j == n.count { return true }
      }
      i += 1
    }
    return false
  }

  // MARK: in

  static let inFunction = CELFunction(
    "@in",
    [
      StandardLibrary.binary(
        "in_list", StandardLibrary.a, .list(StandardLibrary.a), .bool, typeParams: ["A"],
        inValues),
      StandardLibrary.binary(
        "in_map", StandardLibrary.a, .map(StandardLibrary.a, StandardLibrary.b), .bool,
        typeParams: ["A", "B"], inValues),
    ])

  @Sendable static func inValues(_ v: CELValue, _ container: CELValue) -> CELValue {
    switch container {
    case .list(let l):
      for e in l where CELOrdering.equal(v, e) { return .bool(true) }
      return .bool(false)
    case .map(let m): return .bool(m[v] != nil)
    default: return .noSuchOverload("@in", v, container)
    }
  }

  // MARK: Indexing

  /// `_[_]`. cel-go declares only `index_list(list, int)`; the uint and double overloads
  /// let dynamically typed indexes (`l[dyn(0u)]`, `l[dyn(1.0)]`) dispatch at runtime.
  static let index = CELFunction(
    "_[_]",
    [
      StandardLibrary.binary(
        "index_list", .list(StandardLibrary.a), .int, StandardLibrary.a, typeParams: ["A"],
        indexValue),
      StandardLibrary.binary(
        "index_map", .map(StandardLibrary.a, StandardLibrary.b), StandardLibrary.a,
        StandardLibrary.b, typeParams: ["A", "B"], indexValue),
      StandardLibrary.binary(
        "index_list_uint", .list(StandardLibrary.a), .uint, StandardLibrary.a,
        typeParams: ["A"], indexValue),
      StandardLibrary.binary(
        "index_list_double", .list(StandardLibrary.a), .double, StandardLibrary.a,
        typeParams: ["A"], indexValue),
    ])

  /// `container[key]`: list positions by int, uint or integral double; map keys across
  /// numeric types.
  @Sendable static func indexValue(_ container: CELValue, _ key: CELValue) -> CELValue {
    switch container {
    case .list(let l):
      let i: Int64
      switch key {
      case .int(let x): i = x
      case .uint(let x):
        guard let x = Int64(exactly: x) else {
          return .error("unsupported index value \(key.debugText) in list")
        }
        i = x
      case .double(let x):
        guard let x = Int64(exactly: x) else {
          return .error("unsupported index value \(key.debugText) in list")
        }
        i = x
      default: return .error("unsupported index type '\(key.type)' in list")
      }
      guard i >= 0, i < Int64(l.count) else { return .error(.indexOutOfRange(i, l.count)) }
      return l[Int(i)]
    case .map(let m):
      guard let v = m[key] else { return .error(.noSuchKey(key)) }
      return v
    default: return .noSuchOverload("_[_]", container, key)
    }
  }
}
