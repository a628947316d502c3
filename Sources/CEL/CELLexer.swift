/// The kinds of token in CEL's lexical grammar (cel-spec langdef, cel-go `CEL.g4`).
enum CELTokenKind: UInt8, Sendable {
  case eof
  case identifier
  /// A backquoted field name such as `` `content-type` ``, valid only after `.`.
  case escapedIdentifier
  case intLiteral
  case uintLiteral
  case doubleLiteral
  case stringLiteral
  case bytesLiteral
  case trueKeyword
  case falseKeyword
  case nullKeyword
  case inKeyword
  case equals
  case notEquals
  case less
  case lessEquals
  case greater
  case greaterEquals
  case logicalAnd
  case logicalOr
  case exclamation
  case plus
  case minus
  case star
  case slash
  case percent
  case question
  case colon
  case dot
  case comma
  case leftBracket
  case rightBracket
  case leftBrace
  case rightBrace
  case leftParen
  case rightParen
  /// Text that is no token; the lexer's `errorMessage` says why. Always followed by `eof`.
  case invalid
}

/// One token: its kind and the UTF-8 byte range it covers.
struct CELToken: Sendable {
  var kind: CELTokenKind
  var start: Int
  var end: Int
}

/// Splits CEL source text into tokens, and decodes the values of literal tokens.
///
/// Whitespace (`[ \t\r\n\f]`) and `//` comments are skipped. Number literals follow
/// cel-go: `1`, `0x1F`, `1u`, `0x1Fu`, `1.5`, `.5`, `1e3`, `1.5e-3` (`1.` is the int `1`
/// followed by a dot). Strings and bytes may be raw (`r`/`R`) and triple-quoted.
struct CELLexer: Sendable {
  let bytes: [UInt8]
  private var position = 0
  /// Why the last `invalid` token is invalid.
  private(set) var errorMessage = ""

  init(bytes: [UInt8]) {
    self.bytes = bytes
  }

  /// All tokens of the text, ending with `eof` (after an `invalid` token, if any).
  static func tokenize(_ bytes: [UInt8]) -> (tokens: [CELToken], error: String) {
    var lexer = CELLexer(bytes: bytes)
    var tokens: [CELToken] = []
    tokens.reserveCapacity(bytes.count / 3 + 2)
    while true {
      let token = lexer.next()
      tokens.append(token)
      if token.kind == .eof { break }
      if token.kind == .invalid {
        tokens.append(CELToken(kind: .eof, start: bytes.count, end: bytes.count))
        break
      }
    }
    return (tokens, lexer.errorMessage)
  }

  private func byte(at index: Int) -> UInt8 {
    index < bytes.count ? bytes[index] : 0
  }

  /// The next token.
  mutating func next() -> CELToken {
    skipTrivia()
    let start = position
    guard start < bytes.count else { return CELToken(kind: .eof, start: start, end: start) }
    let c = bytes[start]
    func single(_ kind: CELTokenKind) -> CELToken {
      position = start + 1
      return CELToken(kind: kind, start: start, end: start + 1)
    }
    func double(_ kind: CELTokenKind) -> CELToken {
      position = start + 2
      return CELToken(kind: kind, start: start, end: start + 2)
    }
    switch c {
    case UInt8(ascii: "("): return single(.leftParen)
    case UInt8(ascii: ")"): return single(.rightParen)
    case UInt8(ascii: "["): return single(.leftBracket)
    case UInt8(ascii: "]"): return single(.rightBracket)
    case UInt8(ascii: "{"): return single(.leftBrace)
    case UInt8(ascii: "}"): return single(.rightBrace)
    case UInt8(ascii: ","): return single(.comma)
    case UInt8(ascii: "?"): return single(.question)
    case UInt8(ascii: ":"): return single(.colon)
    case UInt8(ascii: "+"): return single(.plus)
    case UInt8(ascii: "-"): return single(.minus)
    case UInt8(ascii: "*"): return single(.star)
    case UInt8(ascii: "/"): return single(.slash)
    case UInt8(ascii: "%"): return single(.percent)
    case UInt8(ascii: "="):
      if byte(at: start + 1) == UInt8(ascii: "=") { return double(.equals) }
      return invalid(start, end: start + 1)
    case UInt8(ascii: "!"):
      if byte(at: start + 1) == UInt8(ascii: "=") { return double(.notEquals) }
      return single(.exclamation)
    case UInt8(ascii: "<"):
      if byte(at: start + 1) == UInt8(ascii: "=") { return double(.lessEquals) }
      return single(.less)
    case UInt8(ascii: ">"):
      if byte(at: start + 1) == UInt8(ascii: "=") { return double(.greaterEquals) }
      return single(.greater)
    case UInt8(ascii: "&"):
      if byte(at: start + 1) == UInt8(ascii: "&") { return double(.logicalAnd) }
      return invalid(start, end: start + 1)
    case UInt8(ascii: "|"):
      if byte(at: start + 1) == UInt8(ascii: "|") { return double(.logicalOr) }
      return invalid(start, end: start + 1)
    case UInt8(ascii: "."):
      if Self.isDigit(byte(at: start + 1)) { return number(start) }
      return single(.dot)
    case UInt8(ascii: "\""), UInt8(ascii: "'"):
      return quoted(start, quoteAt: start, raw: false, bytes: false)
    case UInt8(ascii: "`"):
      return escapedIdentifier(start)
    default:
      if Self.isDigit(c) { return number(start) }
      if Self.isIdentifierStart(c) { return identifierOrPrefixedString(start) }
      return invalid(start, end: start + Self.scalarLength(c))
    }
  }

  private mutating func skipTrivia() {
    while position < bytes.count {
      switch bytes[position] {
      case 0x20, 0x09, 0x0A, 0x0D, 0x0C:
        position += 1
      case UInt8(ascii: "/") where byte(at: position + 1) == UInt8(ascii: "/"):
        while position < bytes.count, bytes[position] != 0x0A { position += 1 }
      default:
        return
      }
    }
  }

  private mutating func invalid(_ start: Int, end: Int, _ message: String? = nil) -> CELToken {
    let end = min(end, bytes.count)
    errorMessage =
      message ?? "token recognition error at: '\(Self.text(bytes[start..<end], limit: 32))'"
    position = bytes.count
    return CELToken(kind: .invalid, start: start, end: end)
  }

  private mutating func identifierOrPrefixedString(_ start: Int) -> CELToken {
    var end = start + 1
    while end < bytes.count, Self.isIdentifierPart(bytes[end]) { end += 1 }
    let length = end - start
    let next = byte(at: end)
    if length <= 2, next == UInt8(ascii: "\"") || next == UInt8(ascii: "'") {
      let first = bytes[start] | 0x20
      let second = length == 2 ? bytes[start + 1] | 0x20 : 0
      if length == 1, first == UInt8(ascii: "r") {
        return quoted(start, quoteAt: end, raw: true, bytes: false)
      }
      if length == 1, first == UInt8(ascii: "b") {
        return quoted(start, quoteAt: end, raw: false, bytes: true)
      }
      if length == 2, first == UInt8(ascii: "b"), second == UInt8(ascii: "r") {
        return quoted(start, quoteAt: end, raw: true, bytes: true)
      }
    }
    position = end
    return CELToken(kind: keyword(start, length) ?? .identifier, start: start, end: end)
  }

  private func keyword(_ start: Int, _ length: Int) -> CELTokenKind? {
    func matches(_ word: StaticString) -> Bool {
      guard word.utf8CodeUnitCount == length else { return false }
      let p = word.utf8Start
      for i in 0..<length where bytes[start + i] != p[i] { return false }
      return true
    }
    switch length {
    case 2: return matches("in") ? .inKeyword : nil
    case 4:
      if matches("true") { return .trueKeyword }
      return matches("null") ? .nullKeyword : nil
    case 5: return matches("false") ? .falseKeyword : nil
    default: return nil
    }
  }

  private mutating func escapedIdentifier(_ start: Int) -> CELToken {
    var end = start + 1
    while end < bytes.count {
      let c = bytes[end]
      if c == UInt8(ascii: "`") { break }
      let allowed =
        Self.isIdentifierPart(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
        || c == UInt8(ascii: "/") || c == UInt8(ascii: " ")
      if !allowed { return invalid(start, end: end + Self.scalarLength(c)) }
      end += 1
    }
    guard end < bytes.count, end > start + 1 else { return invalid(start, end: end + 1) }
    position = end + 1
    return CELToken(kind: .escapedIdentifier, start: start, end: end + 1)
  }

  private mutating func number(_ start: Int) -> CELToken {
    var end = start
    if bytes[start] == UInt8(ascii: "0"), byte(at: start + 1) == UInt8(ascii: "x"),
      Self.hexValue(byte(at: start + 2)) != nil
    {
      end = start + 2
      while Self.hexValue(byte(at: end)) != nil { end += 1 }
      return integerSuffix(start, end)
    }
    while Self.isDigit(byte(at: end)) { end += 1 }
    var isDouble = false
    if byte(at: end) == UInt8(ascii: "."), Self.isDigit(byte(at: end + 1)) {
      isDouble = true
      end += 1
      while Self.isDigit(byte(at: end)) { end += 1 }
    }
    if byte(at: end) | 0x20 == UInt8(ascii: "e") {
      var e = end + 1
      if byte(at: e) == UInt8(ascii: "+") || byte(at: e) == UInt8(ascii: "-") { e += 1 }
      if Self.isDigit(byte(at: e)) {
        while Self.isDigit(byte(at: e)) { e += 1 }
        isDouble = true
        end = e
      }
    }
    if isDouble {
      position = end
      return CELToken(kind: .doubleLiteral, start: start, end: end)
    }
    return integerSuffix(start, end)
  }

  private mutating func integerSuffix(_ start: Int, _ end: Int) -> CELToken {
    if byte(at: end) | 0x20 == UInt8(ascii: "u") {
      position = end + 1
      return CELToken(kind: .uintLiteral, start: start, end: end + 1)
    }
    position = end
    return CELToken(kind: .intLiteral, start: start, end: end)
  }

  /// Scans a string or bytes literal whose opening quote is at `quoteAt`.
  private mutating func quoted(_ start: Int, quoteAt: Int, raw: Bool, bytes isBytes: Bool)
    -> CELToken
  {
    let quote = bytes[quoteAt]
    let kind: CELTokenKind = isBytes ? .bytesLiteral : .stringLiteral
    let triple = byte(at: quoteAt + 1) == quote && byte(at: quoteAt + 2) == quote
    var i = quoteAt + (triple ? 3 : 1)
    if triple {
      while i < bytes.count {
        let c = bytes[i]
        if c == quote, byte(at: i + 1) == quote, byte(at: i + 2) == quote {
          position = i + 3
          return CELToken(kind: kind, start: start, end: i + 3)
        }
        i += (c == UInt8(ascii: "\\") && !raw) ? 2 : 1
      }
    } else {
      while i < bytes.count {
        let c = bytes[i]
        if c == quote {
          position = i + 1
          return CELToken(kind: kind, start: start, end: i + 1)
        }
        if c == 0x0A || c == 0x0D { break }
        i += (c == UInt8(ascii: "\\") && !raw) ? 2 : 1
      }
    }
    return invalid(start, end: min(i, bytes.count), "unterminated string literal")
  }

  // MARK: Character classes

  static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

  static func isIdentifierStart(_ c: UInt8) -> Bool {
    let lower = c | 0x20
    return (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")) || c == UInt8(ascii: "_")
  }

  static func isIdentifierPart(_ c: UInt8) -> Bool { isIdentifierStart(c) || isDigit(c) }

  static func hexValue(_ c: UInt8) -> UInt32? {
    switch c {
    case 0x30...0x39: return UInt32(c - 0x30)
    case 0x41...0x46: return UInt32(c - 0x41 + 10)
    case 0x61...0x66: return UInt32(c - 0x61 + 10)
    default: return nil
    }
  }

  /// The byte length of the UTF-8 sequence that starts with `c`.
  static func scalarLength(_ c: UInt8) -> Int {
    switch c {
    case 0xF0...: return 4
    case 0xE0...: return 3
    case 0xC0...: return 2
    default: return 1
    }
  }

  /// Source text for a message: newlines escaped, cut at `limit` characters.
  static func text(_ slice: ArraySlice<UInt8>, limit: Int) -> String {
    var s = String(decoding: slice, as: UTF8.self)
    if s.count > limit { s = String(s.prefix(limit)) + "..." }
    return s.replacing("\n", with: "\\n").replacing("\r", with: "\\r")
      .replacing("\t", with: "\\t")
  }
}

// MARK: - Literal values

/// Why a literal token has no value, and where in the source.
struct CELLiteralError: Error, Sendable {
  var message: String
  var offset: Int
}

extension CELLexer {
  /// The text of an identifier token.
  func identifier(_ token: CELToken) -> String {
    String(decoding: bytes[token.start..<token.end], as: UTF8.self)
  }

  /// The field name of a backquoted identifier, without its backquotes.
  func escapedIdentifier(_ token: CELToken) -> String {
    String(decoding: bytes[(token.start + 1)..<(token.end - 1)], as: UTF8.self)
  }

  /// The magnitude of an int or uint token (decimal or `0x` hex), nil when it exceeds
  /// `UInt64.max`.
  func integerMagnitude(_ token: CELToken) -> UInt64? {
    var end = token.end
    if token.kind == .uintLiteral { end -= 1 }
    var value: UInt64 = 0
    if end - token.start > 2, bytes[token.start + 1] == UInt8(ascii: "x") {
      for i in (token.start + 2)..<end {
        guard let digit = Self.hexValue(bytes[i]) else { return nil }
        let (shifted, overflow) = value.multipliedReportingOverflow(by: 16)
        if overflow { return nil }
        value = shifted | UInt64(digit)
      }
      return value
    }
    for i in token.start..<end {
      let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
      let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[i] &- 0x30))
      if overflow1 || overflow2 { return nil }
      value = sum
    }
    return value
  }

  /// The value of a double token, nil when it is out of range.
  func doubleValue(_ token: CELToken) -> Double? {
    guard let d = Double(String(decoding: bytes[token.start..<token.end], as: UTF8.self)),
      d.isFinite
    else { return nil }
    return d
  }

  /// The value of a string or bytes token: escapes decoded (unless raw) and line ends
  /// (`\r\n`, `\r`) normalized to `\n`.
  func quotedValue(_ token: CELToken) -> Result<CELValue, CELLiteralError> {
    let isBytes = token.kind == .bytesLiteral
    var i = token.start
    if isBytes { i += 1 }
    var raw = false
    if bytes[i] | 0x20 == UInt8(ascii: "r") {
      raw = true
      i += 1
    }
    let quote = bytes[i]
    let triple = token.end - i >= 6 && bytes[i + 1] == quote && bytes[i + 2] == quote
    let delimiter = triple ? 3 : 1
    let content = (i + delimiter)..<(token.end - delimiter)
    var needsWork = false
    for j in content where bytes[j] == UInt8(ascii: "\\") || bytes[j] == 0x0D {
      needsWork = true
      break
    }
    if !needsWork {
      return .success(
        isBytes
          ? .bytes(Array(bytes[content])) : .string(String(decoding: bytes[content], as: UTF8.self))
      )
    }
    switch decode(content, raw: raw, isBytes: isBytes) {
    case .success(let out):
      return .success(isBytes ? .bytes(out) : .string(String(decoding: out, as: UTF8.self)))
    case .failure(let error):
      return .failure(error)
    }
  }

  private func decode(_ content: Range<Int>, raw: Bool, isBytes: Bool)
    -> Result<[UInt8], CELLiteralError>
  {
    var out: [UInt8] = []
    out.reserveCapacity(content.count)
    var i = content.lowerBound
    let end = content.upperBound
    while i < end {
      let c = bytes[i]
      if c == 0x0D {
        out.append(0x0A)
        i += (i + 1 < end && bytes[i + 1] == 0x0A) ? 2 : 1
        continue
      }
      if c != UInt8(ascii: "\\") || raw {
        out.append(c)
        i += 1
        continue
      }
      let escapeStart = i
      guard i + 1 < end else {
        return .failure(CELLiteralError(message: "invalid escape sequence", offset: i))
      }
      let e = bytes[i + 1]
      i += 2
      switch e {
      case UInt8(ascii: "a"): out.append(0x07)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "v"): out.append(0x0B)
      case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"),
        UInt8(ascii: "?"):
        out.append(e)
      case UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "u"), UInt8(ascii: "U"):
        let count: Int
        switch e {
        case UInt8(ascii: "u"): count = 4
        case UInt8(ascii: "U"): count = 8
        default: count = 2
        }
        if count > 2 && isBytes {
          return .failure(
            CELLiteralError(
              message: "unicode escape sequences are not allowed in bytes literals",
              offset: escapeStart))
        }
        var value: UInt32 = 0
        for _ in 0..<count {
          guard i < end, let digit = Self.hexValue(bytes[i]) else {
            return .failure(
              CELLiteralError(message: "invalid hex escape sequence", offset: escapeStart))
          }
          value = value << 4 | digit
          i += 1
        }
        if isBytes {
          out.append(UInt8(value))
        } else if !Self.appendUTF8(value, to: &out) {
          return .failure(
            CELLiteralError(message: "invalid unicode code point", offset: escapeStart))
        }
      case UInt8(ascii: "0")...UInt8(ascii: "3"):
        var value = UInt32(e - 0x30)
        for _ in 0..<2 {
          guard i < end, bytes[i] >= 0x30, bytes[i] <= 0x37 else {
            return .failure(
              CELLiteralError(message: "invalid octal escape sequence", offset: escapeStart))
          }
          value = value * 8 + UInt32(bytes[i] - 0x30)
          i += 1
        }
        if isBytes {
          out.append(UInt8(value))
        } else {
          _ = Self.appendUTF8(value, to: &out)
        }
      default:
        let length = Self.scalarLength(e)
        let name = Self.text(
          bytes[(escapeStart + 1)..<min(escapeStart + 1 + length, end)], limit: 4)
        return .failure(
          CELLiteralError(message: "invalid escape sequence '\\\(name)'", offset: escapeStart))
      }
    }
    return .success(out)
  }

  /// Appends the UTF-8 encoding of a code point; false for surrogates and values past
  /// U+10FFFF.
  private static func appendUTF8(_ value: UInt32, to out: inout [UInt8]) -> Bool {
    switch value {
    case ..<0x80:
      out.append(UInt8(value))
    case ..<0x800:
      out.append(UInt8(0xC0 | value >> 6))
      out.append(UInt8(0x80 | value & 0x3F))
    case 0xD800...0xDFFF:
      return false
    case ..<0x1_0000:
      out.append(UInt8(0xE0 | value >> 12))
      out.append(UInt8(0x80 | value >> 6 & 0x3F))
      out.append(UInt8(0x80 | value & 0x3F))
    case ..<0x11_0000:
      out.append(UInt8(0xF0 | value >> 18))
      out.append(UInt8(0x80 | value >> 12 & 0x3F))
      out.append(UInt8(0x80 | value >> 6 & 0x3F))
      out.append(UInt8(0x80 | value & 0x3F))
    default:
      return false
    }
    return true
  }
}
