/// JSON (RFC 8259) decoding and encoding of `Value`.
///
/// Integers that fit in Int64 decode as `.int`, other numbers as `.double`. Object
/// members keep their order. Encoding can sort keys (the canonical form digests use).
public enum JSON {
  /// Decodes one JSON text.
  public static func decode(_ text: String) throws(JSONError) -> Value {
    try decode(Array(text.utf8))
  }

  /// Decodes one JSON text from UTF-8 bytes.
  public static func decode(_ bytes: [UInt8]) throws(JSONError) -> Value {
    try bytes.withUnsafeBufferPointer { (buf) throws(JSONError) -> Value in
      var p = JSONParser(buf, positions: false)
      return try p.parseDocument()
    }
  }

  /// Decodes one JSON text and records the position of every node.
  public static func decodeDocument(_ bytes: [UInt8]) throws(JSONError) -> ParsedDocument {
    try bytes.withUnsafeBufferPointer { (buf) throws(JSONError) -> ParsedDocument in
      var p = JSONParser(buf, positions: true)
      let value = try p.parseDocument()
      return ParsedDocument(value: value, source: SourceMap(entries: p.entries))
    }
  }

  /// Encodes `value` compactly; with `sortedKeys`, map members in key order (canonical).
  public static func encode(_ value: Value, sortedKeys: Bool = false, pretty: Bool = false)
    -> String
  {
    var out: [UInt8] = []
    out.reserveCapacity(256)
    JSONWriter(sortedKeys: sortedKeys, pretty: pretty).write(value, into: &out, depth: 0)
    return String(decoding: out, as: UTF8.self)
  }

  /// Appends `value`, compactly encoded, to `out` (for answers assembled piece by piece).
  public static func encode(_ value: Value, appendingTo out: inout [UInt8]) {
    JSONWriter(sortedKeys: false, pretty: false).write(value, into: &out, depth: 0)
  }

  /// Encodes `value` to UTF-8 bytes.
  public static func encodeBytes(_ value: Value, sortedKeys: Bool = false, pretty: Bool = false)
    -> [UInt8]
  {
    var out: [UInt8] = []
    JSONWriter(sortedKeys: sortedKeys, pretty: pretty).write(value, into: &out, depth: 0)
    return out
  }
}

/// A JSON text that does not decode, with where and why.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
  public var position: SourcePosition
  public var offset: Int
  public var message: String
  public var description: String { "\(position): \(message)" }
}

struct JSONParser {
  let buf: UnsafeBufferPointer<UInt8>
  var i = 0
  let positions: Bool
  var depth = 0
  var entries: [SourceMap.Entry] = []
  /// Position cache: offsets are visited in increasing order while parsing.
  var lineCursor = (offset: 0, line: 1, column: 1)
  /// Deep enough for any manifest, shallow enough that the recursive descent (and the
  /// recursive `==`, hashing and encoding of the result) stays within a thread's stack.
  static let maxDepth = 1_000

  init(_ buf: UnsafeBufferPointer<UInt8>, positions: Bool) {
    self.buf = buf
    self.positions = positions
  }

  mutating func parseDocument() throws(JSONError) -> Value {
    skipBOM()
    skipSpace()
    let r = try parseValue(key: nil)
    skipSpace()
    if i < buf.count { throw error("unexpected data after the JSON value") }
    return r
  }

  mutating func skipBOM() {
    i = bomLength
    lineCursor = (i, 1, 1)  // the BOM is invisible: not a column
  }

  /// 3 when the text starts with a UTF-8 byte order mark, else 0.
  var bomLength: Int {
    buf.count >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF ? 3 : 0
  }

  func position(at offset: Int) -> SourcePosition {
    var line = 1
    var col = 1
    var j = min(bomLength, offset)  // the BOM is invisible: not a column
    while j < offset && j < buf.count {
      let b = buf[j]
      if b == 0x0A {
        line += 1
        col = 1
      } else if b & 0xC0 != 0x80 {
        col += 1
      }
      j += 1
    }
    return SourcePosition(line: line, column: col)
  }

  /// Line and column of `offset`, scanning on from the last offset asked for.
  mutating func advancePosition(to offset: Int) -> SourcePosition {
    var (j, line, col) = lineCursor
    if offset < j { (j, line, col) = (0, 1, 1) }
    while j < offset && j < buf.count {
      let b = buf[j]
      if b == 0x0A {
        line += 1
        col = 1
      } else if b & 0xC0 != 0x80 {
        col += 1
      }
      j += 1
    }
    lineCursor = (j, line, col)
    return SourcePosition(line: line, column: col)
  }

  func error(_ message: String, at offset: Int? = nil) -> JSONError {
    let o = offset ?? i
    return JSONError(position: position(at: o), offset: o, message: message)
  }

  @inline(__always) mutating func skipSpace() {
    while i < buf.count {
      let b = buf[i]
      if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { i += 1 } else { return }
    }
  }

  /// Parses one value; with positions on, appends its entry (and its subtree's).
  mutating func parseValue(key: SourcePosition?) throws(JSONError) -> Value {
    guard i < buf.count else { throw error("unexpected end of JSON input") }
    var entry = -1
    if positions {
      entry = entries.count
      entries.append(SourceMap.Entry(advancePosition(to: i), key: key))
    }
    let v: Value
    switch buf[i] {
    case UInt8(ascii: "{"): v = try parseObject()
    case UInt8(ascii: "["): v = try parseArray()
    case UInt8(ascii: "\""): v = .string(try parseString())
    case UInt8(ascii: "t"):
      try literal("true")
      v = .bool(true)
    case UInt8(ascii: "f"):
      try literal("false")
      v = .bool(false)
    case UInt8(ascii: "n"):
      try literal("null")
      v = .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      v = try parseNumber()
    default:
      throw error("invalid character '\(Unicode.Scalar(buf[i]))' looking for beginning of value")
    }
    if entry >= 0 { entries[entry].size = Int32(entries.count - entry) }
    return v
  }

  mutating func literal(_ word: String) throws(JSONError) {
    for b in word.utf8 {
      guard i < buf.count, buf[i] == b else { throw error("invalid literal, expected \(word)") }
      i += 1
    }
  }

  mutating func enter() throws(JSONError) {
    depth += 1
    if depth > JSONParser.maxDepth { throw error("exceeded max depth of \(JSONParser.maxDepth)") }
  }

  mutating func parseObject() throws(JSONError) -> Value {
    try enter()
    defer { depth -= 1 }
    i += 1
    var map = ValueMap()
    skipSpace()
    if i < buf.count && buf[i] == UInt8(ascii: "}") {
      i += 1
      return .map(map)
    }
    while true {
      skipSpace()
      guard i < buf.count, buf[i] == UInt8(ascii: "\"") else {
        throw error("expected a string for an object key")
      }
      let keyStart = i
      let keyPos = positions ? advancePosition(to: i) : nil
      let key = try parseString()
      skipSpace()
      guard i < buf.count, buf[i] == UInt8(ascii: ":") else {
        throw error("expected ':' after object key")
      }
      i += 1
      skipSpace()
      let v = try parseValue(key: keyPos)
      if map[key] != nil {
        throw error("duplicate key \"\(key)\"", at: keyStart)
      }
      map[key] = v
      skipSpace()
      guard i < buf.count else { throw error("unexpected end of JSON input") }
      if buf[i] == UInt8(ascii: ",") {
        i += 1
        continue
      }
      if buf[i] == UInt8(ascii: "}") {
        i += 1
        break
      }
      throw error("expected ',' or '}' after object member")
    }
    return .map(map)
  }

  mutating func parseArray() throws(JSONError) -> Value {
    try enter()
    defer { depth -= 1 }
    i += 1
    var list: [Value] = []
    skipSpace()
    if i < buf.count && buf[i] == UInt8(ascii: "]") {
      i += 1
      return .list(list)
    }
    while true {
      skipSpace()
      list.append(try parseValue(key: nil))
      skipSpace()
      guard i < buf.count else { throw error("unexpected end of JSON input") }
      if buf[i] == UInt8(ascii: ",") {
        i += 1
        continue
      }
      if buf[i] == UInt8(ascii: "]") {
        i += 1
        break
      }
      throw error("expected ',' or ']' after array element")
    }
    return .list(list)
  }

  mutating func parseString() throws(JSONError) -> String {
    let open = i
    i += 1
    let start = i
    // Fast path: no escapes.
    while i < buf.count {
      let b = buf[i]
      if b == UInt8(ascii: "\"") {
        let s = try validated(UnsafeBufferPointer(rebasing: buf[start..<i]), at: start)
        i += 1
        return s
      }
      if b == UInt8(ascii: "\\") { break }
      if b < 0x20 { throw error("invalid control character in string") }
      i += 1
    }
    guard i < buf.count else { throw error("unterminated string", at: open) }
    var bytes = Array(buf[start..<i])
    while i < buf.count {
      let b = buf[i]
      if b == UInt8(ascii: "\"") {
        i += 1
        return try bytes.withUnsafeBufferPointer { (p) throws(JSONError) -> String in
          try validated(p, at: start)
        }
      }
      if b < 0x20 { throw error("invalid control character in string") }
      if b != UInt8(ascii: "\\") {
        bytes.append(b)
        i += 1
        continue
      }
      i += 1
      guard i < buf.count else { break }
      let e = buf[i]
      i += 1
      switch e {
      case UInt8(ascii: "\""): bytes.append(0x22)
      case UInt8(ascii: "\\"): bytes.append(0x5C)
      case UInt8(ascii: "/"): bytes.append(0x2F)
      case UInt8(ascii: "b"): bytes.append(0x08)
      case UInt8(ascii: "f"): bytes.append(0x0C)
      case UInt8(ascii: "n"): bytes.append(0x0A)
      case UInt8(ascii: "r"): bytes.append(0x0D)
      case UInt8(ascii: "t"): bytes.append(0x09)
      case UInt8(ascii: "u"):
        var scalar = try hex4()
        if scalar >= 0xD800 && scalar < 0xDC00 {
          if i + 1 < buf.count && buf[i] == UInt8(ascii: "\\") && buf[i + 1] == UInt8(ascii: "u") {
            i += 2
            let low = try hex4()
            if low >= 0xDC00 && low < 0xE000 {
              scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else {
              i -= 6  // not a pair: decode the second escape on its own
              scalar = 0xFFFD
            }
          } else {
            scalar = 0xFFFD
          }
        } else if scalar >= 0xDC00 && scalar < 0xE000 {
          scalar = 0xFFFD
        }
        let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
        bytes.append(contentsOf: UTF8.encode(u)!)
      default:
        throw error("invalid escape '\\\(Unicode.Scalar(e))' in string", at: i - 2)
      }
    }
    throw error("unterminated string", at: open)
  }

  mutating func hex4() throws(JSONError) -> UInt32 {
    guard i + 4 <= buf.count else { throw error("invalid \\u escape") }
    var v: UInt32 = 0
    for _ in 0..<4 {
      let b = buf[i]
      let d: UInt32
      switch b {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - 0x30)
      case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - 0x61 + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - 0x41 + 10)
      default: throw error("invalid \\u escape")
      }
      v = v << 4 | d
      i += 1
    }
    return v
  }

  func validated(_ p: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONError) -> String {
    if let s = String(validating: p, as: UTF8.self) { return s }
    throw error("invalid UTF-8 in string", at: offset)
  }

  mutating func parseNumber() throws(JSONError) -> Value {
    let start = i
    var isInt = true
    if buf[i] == UInt8(ascii: "-") { i += 1 }
    guard i < buf.count, buf[i] >= 0x30, buf[i] <= 0x39 else {
      throw error("invalid number", at: start)
    }
    if buf[i] == UInt8(ascii: "0") {
      i += 1
      if i < buf.count, buf[i] >= 0x30, buf[i] <= 0x39 {
        throw error("invalid number: leading zero", at: start)
      }
    } else {
      while i < buf.count, buf[i] >= 0x30, buf[i] <= 0x39 { i += 1 }
    }
    if i < buf.count, buf[i] == UInt8(ascii: ".") {
      isInt = false
      i += 1
      guard i < buf.count, buf[i] >= 0x30, buf[i] <= 0x39 else {
        throw error("invalid number: expected digit after '.'", at: start)
      }
      while i < buf.count, buf[i] >= 0x30, buf[i] <= 0x39 { i += 1 }
    }
    if i < buf.count, buf[i] == UInt8(ascii: "e") || buf[i] == UInt8(ascii: "E") {
      isInt = false
      i += 1
      if i < buf.count, buf[i] == UInt8(ascii: "+") || buf[i] == UInt8(ascii: "-") { i += 1 }
      guard i < buf.count, buf[i] >= 0x30, buf[i] <= 0x39 else {
        throw error("invalid number: expected digit in exponent", at: start)
      }
      while i < buf.count, buf[i] >= 0x30, buf[i] <= 0x39 { i += 1 }
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<i]), as: UTF8.self)
    if isInt, let n = Int64(text) { return .int(n) }
    guard let d = Double(text), d.isFinite else {
      throw error("number \(text) out of range", at: start)
    }
    return .double(d)
  }
}

struct JSONWriter {
  let sortedKeys: Bool
  let pretty: Bool

  func write(_ value: Value, into out: inout [UInt8], depth: Int) {
    switch value {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .int(let n): out.append(contentsOf: String(n).utf8)
    case .double(let d): out.append(contentsOf: JSONWriter.format(d).utf8)
    case .string(let s): JSONWriter.writeString(s, into: &out)
    case .list(let l):
      if l.isEmpty {
        out.append(contentsOf: "[]".utf8)
        return
      }
      out.append(UInt8(ascii: "["))
      for (n, e) in l.enumerated() {
        if n > 0 { out.append(UInt8(ascii: ",")) }
        newline(&out, depth + 1)
        write(e, into: &out, depth: depth + 1)
      }
      newline(&out, depth)
      out.append(UInt8(ascii: "]"))
    case .map(let m):
      if m.isEmpty {
        out.append(contentsOf: "{}".utf8)
        return
      }
      out.append(UInt8(ascii: "{"))
      var n = 0
      func member(_ k: String, _ v: Value) {
        if n > 0 { out.append(UInt8(ascii: ",")) }
        n += 1
        newline(&out, depth + 1)
        JSONWriter.writeString(k, into: &out)
        out.append(UInt8(ascii: ":"))
        if pretty { out.append(UInt8(ascii: " ")) }
        write(v, into: &out, depth: depth + 1)
      }
      if sortedKeys {
        for (k, v) in m.sortedByKey { member(k, v) }
      } else {
        for (k, v) in m { member(k, v) }
      }
      newline(&out, depth)
      out.append(UInt8(ascii: "}"))
    }
  }

  func newline(_ out: inout [UInt8], _ depth: Int) {
    guard pretty else { return }
    out.append(0x0A)
    for _ in 0..<depth { out.append(contentsOf: [0x20, 0x20]) }
  }

  /// Go's encoding/json float format; NaN and infinities, which JSON cannot carry,
  /// are written as strings.
  static func format(_ d: Double) -> String {
    if d.isNaN || d.isInfinite { return "\"" + FloatFormat.goJSON(d) + "\"" }
    return FloatFormat.goJSON(d)
  }

  static let hex: [UInt8] = Array("0123456789abcdef".utf8)

  static func writeString(_ s: String, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var s = s
    s.withUTF8 { bytes in
      // Copy the runs that need no escape in one go.
      var start = 0
      for i in 0..<bytes.count {
        let b = bytes[i]
        guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
        if start < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i])) }
        start = i + 1
        switch b {
        case 0x22: out.append(contentsOf: [0x5C, 0x22])
        case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        default:
          out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30])
          out.append(hex[Int(b >> 4)])
          out.append(hex[Int(b & 0xF)])
        }
      }
      if start < bytes.count {
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
      }
    }
    out.append(UInt8(ascii: "\""))
  }

}
