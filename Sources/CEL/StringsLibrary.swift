#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

extension CELLibrary {
  /// cel-go's `ext.Strings` (version 3 and later): string manipulation by Unicode code
  /// point. Indexes count code points, as in cel-go.
  ///
  /// - `<string>.charAt(<int>) -> <string>` (`''` at the end, error past it)
  /// - `<string>.indexOf(<string>[, <int>]) -> <int>`, `lastIndexOf(...)` (-1 when absent)
  /// - `<string>.lowerAscii()`, `<string>.upperAscii()`, `<string>.trim()`,
  ///   `<string>.reverse()`
  /// - `<string>.replace(<string>, <string>[, <int>])` (a negative limit replaces all)
  /// - `<string>.split(<string>[, <int>]) -> <list<string>>`
  /// - `<string>.substring(<int>[, <int>])`
  /// - `<list<string>>.join([<string>])`
  /// - `strings.quote(<string>)`
  /// - `<string>.format(<list>)`: `%s %d %f %e %b %x %X %o %%`, with `%.Nf` / `%.Ne`
  ///   precision, following cel-go's current formatter.
  public static let strings = CELLibrary(
    name: "cel.lib.ext.strings",
    functions: [
      CELFunction(
        "charAt",
        [
          CELOverload(
            "string_char_at_int", params: [.string, .int], result: .string, isInstance: true,
            impl: .binary(stringsCharAt))
        ]),
      CELFunction(
        "indexOf",
        [
          CELOverload(
            "string_index_of_string", params: [.string, .string], result: .int,
            isInstance: true, impl: .binary { stringsIndexOf($0, $1, nil) }),
          CELOverload(
            "string_index_of_string_int", params: [.string, .string, .int], result: .int,
            isInstance: true, impl: .ternary { stringsIndexOf($0, $1, $2) }),
        ]),
      CELFunction(
        "lastIndexOf",
        [
          CELOverload(
            "string_last_index_of_string", params: [.string, .string], result: .int,
            isInstance: true, impl: .binary { stringsLastIndexOf($0, $1, nil) }),
          CELOverload(
            "string_last_index_of_string_int", params: [.string, .string, .int],
            result: .int, isInstance: true, impl: .ternary { stringsLastIndexOf($0, $1, $2) }),
        ]),
      CELFunction(
        "lowerAscii",
        [
          CELOverload(
            "string_lower_ascii", params: [.string], result: .string, isInstance: true,
            impl: .unary { stringsMapASCII($0, "lowerAscii", lower: true) })
        ]),
      CELFunction(
        "upperAscii",
        [
          CELOverload(
            "string_upper_ascii", params: [.string], result: .string, isInstance: true,
            impl: .unary { stringsMapASCII($0, "upperAscii", lower: false) })
        ]),
      CELFunction(
        "replace",
        [
          CELOverload(
            "string_replace_string_string", params: [.string, .string, .string],
            result: .string, isInstance: true,
            impl: .ternary { stringsReplace([$0, $1, $2, .int(-1)]) }),
          CELOverload(
            "string_replace_string_string_int", params: [.string, .string, .string, .int],
            result: .string, isInstance: true, impl: .variadic(stringsReplace)),
        ]),
      CELFunction(
        "split",
        [
          CELOverload(
            "string_split_string", params: [.string, .string], result: .list(.string),
            isInstance: true, impl: .binary { stringsSplit($0, $1, .int(-1)) }),
          CELOverload(
            "string_split_string_int", params: [.string, .string, .int],
            result: .list(.string), isInstance: true, impl: .ternary(stringsSplit)),
        ]),
      CELFunction(
        "substring",
        [
          CELOverload(
            "string_substring_int", params: [.string, .int], result: .string,
            isInstance: true, impl: .binary { stringsSubstring($0, $1, nil) }),
          CELOverload(
            "string_substring_int_int", params: [.string, .int, .int], result: .string,
            isInstance: true, impl: .ternary { stringsSubstring($0, $1, $2) }),
        ]),
      CELFunction(
        "trim",
        [
          CELOverload(
            "string_trim", params: [.string], result: .string, isInstance: true,
            impl: .unary(stringsTrim))
        ]),
      CELFunction(
        "join",
        [
          CELOverload(
            "list_join", params: [.list(.string)], result: .string, isInstance: true,
            impl: .unary { stringsJoin($0, .string("")) }),
          CELOverload(
            "list_join_string", params: [.list(.string), .string], result: .string,
            isInstance: true, impl: .binary(stringsJoin)),
        ]),
      CELFunction(
        "strings.quote",
        [
          CELOverload(
            "strings_quote", params: [.string], result: .string, impl: .unary(stringsQuote))
        ]),
      CELFunction(
        "reverse",
        [
          CELOverload(
            "string_reverse", params: [.string], result: .string, isInstance: true,
            impl: .unary(stringsReverse))
        ]),
      CELFunction(
        "format",
        [
          CELOverload(
            "string_format", params: [.string, .list(.dyn)], result: .string,
            isInstance: true, impl: .binary(stringsFormat))
        ]),
    ])
}

// MARK: - Indexing by code point

private func stringsIndexOutOfRange(_ i: Int64) -> CELValue {
  .error("index out of range: \(i)")
}

private func stringsCharAt(_ s: CELValue, _ index: CELValue) -> CELValue {
  guard case .string(let str) = s, case .int(let i) = index else {
    return .noSuchOverload("charAt", s, index)
  }
  let scalars = str.unicodeScalars
  guard i >= 0 else { return stringsIndexOutOfRange(i) }
  var position = scalars.startIndex
  var remaining = i
  while remaining > 0 {
    guard position != scalars.endIndex else { return stringsIndexOutOfRange(i) }
    scalars.formIndex(after: &position)
    remaining -= 1
  }
  guard position != scalars.endIndex else { return .string("") }
  return .string(String(scalars[position]))
}

/// True when `needle` occurs in `hay` at `i`.
private func stringsOccurs(_ hay: [Unicode.Scalar], _ needle: [Unicode.Scalar], at i: Int)
  -> Bool
{
  for j in 0..<needle.count where hay[i + j] != needle[j] { return false }
  return true
}

private func stringsIndexOf(_ s: CELValue, _ sub: CELValue, _ offset: CELValue?) -> CELValue {
  guard case .string(let str) = s, case .string(let substr) = sub else {
    return .noSuchOverload("indexOf", s, sub)
  }
  var start: Int64 = 0
  if let offset {
    guard case .int(let o) = offset else { return .noSuchOverload("indexOf", s, sub, offset) }
    start = o
  }
  if substr.isEmpty { return .int(start) }
  let hay = Array(str.unicodeScalars)
  let needle = Array(substr.unicodeScalars)
  if offset != nil, start < 0 || start >= Int64(hay.count) {
    return stringsIndexOutOfRange(start)
  }
  guard needle.count <= hay.count else { return .int(-1) }
  var i = Int(start)
  while i <= hay.count - needle.count {
    if stringsOccurs(hay, needle, at: i) { return .int(Int64(i)) }
    i += 1
  }
  return .int(-1)
}

private func stringsLastIndexOf(_ s: CELValue, _ sub: CELValue, _ offset: CELValue?)
  -> CELValue
{
  guard case .string(let str) = s, case .string(let substr) = sub else {
    return .noSuchOverload("lastIndexOf", s, sub)
  }
  let hay = Array(str.unicodeScalars)
  var start = Int64(hay.count)
  if let offset {
    guard case .int(let o) = offset else {
      return .noSuchOverload("lastIndexOf", s, sub, offset)
    }
    start = o
  }
  if substr.isEmpty { return .int(start) }
  if offset != nil, start < 0 || start >= Int64(hay.count) {
    return stringsIndexOutOfRange(start)
  }
  let needle = Array(substr.unicodeScalars)
  guard needle.count <= hay.count else { return .int(-1) }
  var i = min(Int(start), hay.count - needle.count)
  while i >= 0 {
    if stringsOccurs(hay, needle, at: i) { return .int(Int64(i)) }
    i -= 1
  }
  return .int(-1)
}

private func stringsSubstring(_ s: CELValue, _ from: CELValue, _ to: CELValue?) -> CELValue {
  guard case .string(let str) = s, case .int(let start) = from else {
    return .noSuchOverload("substring", s, from)
  }
  let scalars = Array(str.unicodeScalars)
  let count = Int64(scalars.count)
  var end = count
  if let to {
    guard case .int(let e) = to else { return .noSuchOverload("substring", s, from, to) }
    end = e
    if start > end { return .error("invalid substring range. start: \(start), end: \(end)") }
  }
  if start < 0 || start > count { return stringsIndexOutOfRange(start) }
  if end < 0 || end > count { return stringsIndexOutOfRange(end) }
  var view = String.UnicodeScalarView()
  view.append(contentsOf: scalars[Int(start)..<Int(end)])
  return .string(String(view))
}

// MARK: - Case, trimming, reversal, quoting

private func stringsMapASCII(_ s: CELValue, _ name: String, lower: Bool) -> CELValue {
  guard case .string(let str) = s else { return .noSuchOverload(name, s) }
  let range: ClosedRange<UInt8> = lower ? 65...90 : 97...122
  guard str.utf8.contains(where: range.contains) else { return s }
  let bytes = str.utf8.map { range.contains($0) ? ($0 ^ 0x20) : $0 }
  return .string(String(decoding: bytes, as: UTF8.self))
}

private func stringsTrim(_ s: CELValue) -> CELValue {
  guard case .string(let str) = s else { return .noSuchOverload("trim", s) }
  let scalars = str.unicodeScalars
  guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
    let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
  else { return .string("") }
  return .string(String(scalars[first...last]))
}

private func stringsReverse(_ s: CELValue) -> CELValue {
  guard case .string(let str) = s else { return .noSuchOverload("reverse", s) }
  var view = String.UnicodeScalarView()
  view.append(contentsOf: str.unicodeScalars.reversed())
  return .string(String(view))
}

private func stringsQuote(_ s: CELValue) -> CELValue {
  guard case .string(let str) = s else { return .noSuchOverload("strings.quote", s) }
  var out = "\""
  out.reserveCapacity(str.utf8.count + 2)
  for c in str.unicodeScalars {
    switch c {
    case "\u{07}": out += "\\a"
    case "\u{08}": out += "\\b"
    case "\u{0C}": out += "\\f"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    case "\u{0B}": out += "\\v"
    case "\\": out += "\\\\"
    case "\"": out += "\\\""
    default: out.unicodeScalars.append(c)
    }
  }
  out += "\""
  return .string(out)
}

// MARK: - Replace, split, join (byte-level, as Go's strings package)

/// The byte offset of the first `needle` in `hay` at or after `from`, or nil.
private func stringsFind(_ hay: [UInt8], _ needle: [UInt8], from: Int) -> Int? {
  guard !needle.isEmpty else { return from <= hay.count ? from : nil }
  guard needle.count <= hay.count, let first = needle.first else { return nil }
  var i = from
  let last = hay.count - needle.count
  while i <= last {
    if hay[i] == first {
      var j = 1
      while j < needle.count && hay[i + j] == needle[j] { j += 1 }
      if j == needle.count { return i }
    }
    i += 1
  }
  return nil
}

/// Bytes in the UTF-8 sequence starting at `i`.
private func stringsUTF8Width(_ bytes: [UInt8], _ i: Int) -> Int {
  let lead = bytes[i]
  let width = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
  return min(width, bytes.count - i)
}

private func stringsReplace(_ args: [CELValue]) -> CELValue {
  guard args.count == 4, case .string(let str) = args[0], case .string(let old) = args[1],
    case .string(let new) = args[2], case .int(let limit) = args[3]
  else {
    return .error(CELError.noSuchOverload("replace", args.map(\.type)))
  }
  if limit == 0 || old == new { return args[0] }
  let hay = Array(str.utf8)
  let needle = Array(old.utf8)
  let replacement = Array(new.utf8)
  var out: [UInt8] = []
  out.reserveCapacity(hay.count)
  var start = 0
  var done: Int64 = 0
  while limit < 0 || done < limit {
    let at: Int
    if needle.isEmpty {
      // An empty pattern matches before every character and at the end.
      if done > 0 {
        guard start < hay.count else { break }
        let w = stringsUTF8Width(hay, start)
        out.append(contentsOf: hay[start..<(start + w)])
        start += w
      }
      at = start
    } else {
      guard let found = stringsFind(hay, needle, from: start) else { break }
      out.append(contentsOf: hay[start..<found])
      at = found
    }
    out.append(contentsOf: replacement)
    start = at + needle.count
    done += 1
  }
  out.append(contentsOf: hay[start...])
  return .string(String(decoding: out, as: UTF8.self))
}

private func stringsSplit(_ s: CELValue, _ separator: CELValue, _ limit: CELValue) -> CELValue {
  guard case .string(let str) = s, case .string(let sep) = separator,
    case .int(let n) = limit
  else {
    return .noSuchOverload("split", s, separator, limit)
  }
  if n == 0 { return .list([]) }
  var parts: [CELValue] = []
  if sep.isEmpty {
    // Explode into characters, the last part holding the rest when limited.
    let scalars = Array(str.unicodeScalars)
    let count = n < 0 || n > Int64(scalars.count) ? scalars.count : Int(n)
    parts.reserveCapacity(count)
    for i in 0..<count {
      if i == count - 1 {
        var rest = String.UnicodeScalarView()
        rest.append(contentsOf: scalars[i...])
        parts.append(.string(String(rest)))
      } else {
        parts.append(.string(String(scalars[i])))
      }
    }
    return .list(parts)
  }
  let hay = Array(str.utf8)
  let needle = Array(sep.utf8)
  var start = 0
  while n < 0 || Int64(parts.count) < n - 1 {
    guard let found = stringsFind(hay, needle, from: start) else { break }
    parts.append(.string(String(decoding: hay[start..<found], as: UTF8.self)))
    start = found + needle.count
  }
  parts.append(.string(String(decoding: hay[start...], as: UTF8.self)))
  return .list(parts)
}

private func stringsJoin(_ list: CELValue, _ separator: CELValue) -> CELValue {
  guard case .list(let items) = list, case .string(let sep) = separator else {
    return .noSuchOverload("join", list, separator)
  }
  var out = ""
  for (i, item) in items.enumerated() {
    guard case .string(let s) = item else { return .noSuchOverload("join", list, separator) }
    if i > 0 { out += sep }
    out += s
  }
  return .string(out)
}

// MARK: - format

private func stringsFormat(_ s: CELValue, _ list: CELValue) -> CELValue {
  guard case .string(let template) = s, case .list(let args) = list else {
    return .noSuchOverload("format", s, list)
  }
  switch CELStringFormatter.format(template, args) {
  case .success(let text): return .string(text)
  case .failure(let error): return .error(error)
  }
}

/// cel-go's `string.format` (the current, locale-independent formatter).
enum CELStringFormatter {
  static let maxPrecision = 100

  static func format(_ template: String, _ args: [CELValue]) -> Result<String, CELError> {
    let bytes = Array(template.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + 16)
    var i = 0
    var argIndex = 0
    while i < bytes.count {
      let c = bytes[i]
      guard c == UInt8(ascii: "%") else {
        out.append(c)
        i += 1
        continue
      }
      if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "%") {
        out.append(c)
        i += 2
        continue
      }
      if i + 1 >= bytes.count { return .failure(CELError("unexpected end of string")) }
      if argIndex >= args.count {
        return .failure(CELError("index \(argIndex) out of range"))
      }
      i += 1
      // Optional precision: `.` and digits.
      var precision = 6
      if bytes[i] == UInt8(ascii: ".") {
        i += 1
        var digits = 0
        var value = 0
        while i < bytes.count, (48...57).contains(bytes[i]) {
          value = min(value * 10 + Int(bytes[i] - 48), 1_000_000)
          digits += 1
          i += 1
        }
        if i >= bytes.count {
          return .failure(
            parseError("error while parsing precision: could not find end of precision specifier")
          )
        }
        if digits == 0 {
          return .failure(
            parseError("error while parsing precision: precision specifier has no digits"))
        }
        if value > maxPrecision {
          return .failure(
            parseError(
              "error while parsing precision: precision \(value) exceeds maximum allowed "
                + "precision \(maxPrecision)"))
        }
        precision = value
      }
      let verb = bytes[i]
      i += 1
      let arg = args[argIndex]
      argIndex += 1
      let piece: Result<String, CELError>
      switch verb {
      case UInt8(ascii: "s"): piece = string(arg)
      case UInt8(ascii: "d"): piece = decimal(arg)
      case UInt8(ascii: "f"): piece = floating(arg, precision, "f")
      case UInt8(ascii: "e"): piece = floating(arg, precision, "e")
      case UInt8(ascii: "b"): piece = binary(arg)
      case UInt8(ascii: "x"): piece = hex(arg, upper: false)
      case UInt8(ascii: "X"): piece = hex(arg, upper: true)
      case UInt8(ascii: "o"): piece = octal(arg)
      default:
        let shown = String(decoding: [verb], as: UTF8.self)
        return .failure(parseError("unrecognized formatting clause \"\(shown)\""))
      }
      switch piece {
      case .success(let text): out.append(contentsOf: text.utf8)
      case .failure(let e): return .failure(CELError("error during formatting: \(e.message)"))
      }
    }
    return .success(String(decoding: out, as: UTF8.self))
  }

  private static func parseError(_ message: String) -> CELError {
    CELError("could not parse formatting clause: \(message)")
  }

  private static func typeName(_ v: CELValue) -> String { v.type.runtimeName }

  /// `%s`: the value's text; lists and maps recursively, map entries sorted by key text.
  static func string(_ v: CELValue) -> Result<String, CELError> {
    switch v {
    case .null: return .success("null")
    case .bool(let b): return .success(b ? "true" : "false")
    case .int(let i): return .success(String(i))
    case .uint(let u): return .success(String(u))
    case .double(let d): return .success(shortest(d))
    case .string(let s): return .success(s)
    case .bytes(let b): return .success(String(decoding: b, as: UTF8.self))
    case .duration(let d):
      return .success(shortest(Double(d.seconds) + Double(d.nanos) / 1e9) + "s")
    case .timestamp(let t): return .success(t.description)
    case .type(let t): return .success(t.runtimeName)
    case .list(let items):
      var out = "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += ", " }
        switch string(item) {
        case .success(let s): out += s
        case .failure(let e): return .failure(e)
        }
      }
      return .success(out + "]")
    case .map(let m):
      var entries: [(String, String)] = []
      entries.reserveCapacity(m.count)
      for (k, value) in m {
        guard case .success(let ks) = string(k) else { return string(k) }
        switch string(value) {
        case .success(let vs): entries.append((ks, vs))
        case .failure(let e): return .failure(e)
        }
      }
      // Stable, by key bytes, as Go sorts strings.
      let sorted = entries.enumerated().sorted { a, b in
        if a.element.0 == b.element.0 { return a.offset < b.offset }
        return a.element.0.utf8.lexicographicallyPrecedes(b.element.0.utf8)
      }
      let body = sorted.map { "\($0.element.0): \($0.element.1)" }.joined(separator: ", ")
      return .success("{" + body + "}")
    default:
      return .failure(
        CELError(
          "string clause can only be used on strings, bools, bytes, ints, doubles, maps, "
            + "lists, types, durations, and timestamps, was given \(typeName(v))"))
    }
  }

  static func decimal(_ v: CELValue) -> Result<String, CELError> {
    switch v {
    case .int(let i): return .success(String(i))
    case .uint(let u): return .success(String(u))
    case .double(let d): return .success(shortest(d))
    default:
      return .failure(
        CELError(
          "decimal clause can only be used on ints, uints, and doubles, was given "
            + typeName(v)))
    }
  }

  static func floating(_ v: CELValue, _ precision: Int, _ style: Character)
    -> Result<String, CELError>
  {
    let d: Double
    switch v {
    case .int(let i): d = Double(i)
    case .uint(let u): d = Double(u)
    case .double(let x): d = x
    default:
      let clause = style == "f" ? "fixed-point clause" : "scientific clause"
      return .failure(
        CELError(
          "\(clause) can only be used on ints, uints, and doubles, was given \(typeName(v))"))
    }
    if let special = specialName(d) { return .success(special) }
    return .success(printf(d, "%.\(precision)\(style)"))
  }

  static func binary(_ v: CELValue) -> Result<String, CELError> {
    switch v {
    case .bool(let b): return .success(b ? "1" : "0")
    case .int(let i): return .success(String(i, radix: 2))
    case .uint(let u): return .success(String(u, radix: 2))
    default:
      return .failure(
        CELError(
          "only ints, uints, and bools can be formatted as binary, was given \(typeName(v))"))
    }
  }

  static func hex(_ v: CELValue, upper: Bool) -> Result<String, CELError> {
    switch v {
    case .int(let i): return .success(String(i, radix: 16, uppercase: upper))
    case .uint(let u): return .success(String(u, radix: 16, uppercase: upper))
    case .string(let s): return .success(hexBytes(Array(s.utf8), upper))
    case .bytes(let b): return .success(hexBytes(b, upper))
    default:
      return .failure(
        CELError(
          "only ints, uints, bytes, and strings can be formatted as hex, was given "
            + typeName(v)))
    }
  }

  static func octal(_ v: CELValue) -> Result<String, CELError> {
    switch v {
    case .int(let i): return .success(String(i, radix: 8))
    case .uint(let u): return .success(String(u, radix: 8))
    default:
      return .failure(
        CELError("octal clause can only be used on ints and uints, was given \(typeName(v))"))
    }
  }

  private static func hexBytes(_ bytes: [UInt8], _ upper: Bool) -> String {
    let digits = Array((upper ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
      out.append(digits[Int(b >> 4)])
      out.append(digits[Int(b & 15)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  private static func specialName(_ d: Double) -> String? {
    if d.isNaN { return "NaN" }
    if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
    return nil
  }

  /// C's correctly rounded `%.Nf` / `%.Ne` (the same digits as Go's `fmt`).
  private static func printf(_ d: Double, _ format: String) -> String {
    var buffer = [CChar](repeating: 0, count: 512)
    let written = withVaList([d]) { va in
      buffer.withUnsafeMutableBufferPointer { buf in
        vsnprintf(buf.baseAddress, buf.count, format, va)
      }
    }
    if written >= Int32(buffer.count) {
      buffer = [CChar](repeating: 0, count: Int(written) + 1)
      _ = withVaList([d]) { va in
        buffer.withUnsafeMutableBufferPointer { buf in
          vsnprintf(buf.baseAddress, buf.count, format, va)
        }
      }
    }
    let length = buffer.firstIndex(of: 0) ?? buffer.count
    return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// The shortest decimal that round-trips, without an exponent (Go's
  /// `strconv.FormatFloat(d, 'f', -1, 64)`), with `NaN`, `Infinity`, `-Infinity`.
  static func shortest(_ d: Double) -> String {
    if let special = specialName(d) { return special }
    let text = d.description
    var sign = ""
    var body = Substring(text)
    if body.hasPrefix("-") {
      sign = "-"
      body = body.dropFirst()
    }
    var exponent = 0
    if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      exponent = Int(body[body.index(after: e)...]) ?? 0
      body = body[..<e]
    }
    let point = body.firstIndex(of: ".")
    let integerDigits = point.map { body.distance(from: body.startIndex, to: $0) } ?? body.count
    let digits = Array(body.filter { $0 != "." }.utf8)
    let position = integerDigits + exponent
    var integer: [UInt8]
    var fraction: [UInt8]
    if position <= 0 {
      integer = [UInt8(ascii: "0")]
      fraction = [UInt8](repeating: UInt8(ascii: "0"), count: -position) + digits
    } else if position >= digits.count {
      integer = digits + [UInt8](repeating: UInt8(ascii: "0"), count: position - digits.count)
      fraction = []
    } else {
      integer = Array(digits[..<position])
      fraction = Array(digits[position...])
    }
    while integer.count > 1 && integer[0] == UInt8(ascii: "0") { integer.removeFirst() }
    while fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
    var out = sign + String(decoding: integer, as: UTF8.self)
    if !fraction.isEmpty { out += "." + String(decoding: fraction, as: UTF8.self) }
    return out
  }
}
