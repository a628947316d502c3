import Objects

/// A kubectl JSONPath expression (k8s.io/client-go/util/jsonpath), the language of CRD
/// `additionalPrinterColumns[].jsonPath`: what kubectl writes between `{` and `}`.
///
/// Parsed once, evaluated with client-go's semantics and missing keys allowed (as
/// kube-apiserver evaluates printer columns, so an absent field yields no match, not an error):
/// - fields `.spec.replicas`; `\` escapes a terminator: `.metadata.labels.app\.kubernetes\.io/name`
/// - `.*` (map values in key order, or list elements) and recursive descent `..name`
/// - `[0]`, `[-1]`, slices `[1:3]`, `[::2]`, `[*]`, unions `[0,2]`
/// - `['key']`, which client-go reads as the field path `.key` (so unescaped dots still
///   separate keys: write `['app\.kubernetes\.io/name']`), and, beyond client-go, `["key"]`,
///   a literal key in which `\` escapes the next character
/// - filters `[?(@.type=="Ready")]` with `==`, `!=`, `<`, `<=`, `>`, `>=` against a string,
///   number, `true`/`false` or another path, and existence filters `[?(@.port)]`
///
/// kubectl template features (`range`/`end`, text around actions, several actions) are not
/// part of printer columns and are rejected.
public struct JSONPathExpression: Sendable, Hashable, CustomStringConvertible {
  /// The expression as written.
  public let text: String
  let steps: [JSONPathStep]

  /// Parses `text`; the error names the offset (in Unicode scalars) of the problem.
  public init(parsing text: String) throws(JSONPathError) {
    var parser = JSONPathParser(expression: text)
    steps = try parser.parsePath()
    self.text = text
  }

  /// Every value `value` matches, in client-go's order. Throws where client-go fails the
  /// whole evaluation: an index out of range, indexing or slicing something that is not a
  /// list, a filter operand with several values.
  public func evaluate(_ value: Value) throws(JSONPathError) -> [Value] {
    try JSONPathEvaluator(expression: text).run(steps, on: [value])
  }

  /// The expression as written.
  public var description: String { text }
}

/// A JSONPath expression that does not parse (with an `offset`) or that fails to evaluate.
public struct JSONPathError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The expression.
  public var expression: String
  /// Where parsing failed, in Unicode scalars from the start; nil for evaluation errors.
  public var offset: Int?
  /// What went wrong, worded as client-go words it where it has words for it.
  public var message: String

  /// An error about `expression`; `offset` only for parse errors.
  public init(expression: String, offset: Int?, message: String) {
    self.expression = expression
    self.offset = offset
    self.message = message
  }

  /// `invalid JSONPath "<expression>" at <offset>: <message>`, or without the position.
  public var description: String {
    if let offset { return "invalid JSONPath \"\(expression)\" at \(offset): \(message)" }
    return "JSONPath \"\(expression)\": \(message)"
  }
}

// MARK: - Syntax tree

/// One step of a path, applied to every current value in turn.
enum JSONPathStep: Sendable, Hashable {
  /// A map member; anything else (and a missing member) yields nothing.
  case field(String)
  /// Map values in key order, list elements.
  case wildcard
  /// Every map or list at or below the current values, outermost first.
  case recursive
  case slice(JSONPathSlice)
  /// The results of each alternative in turn.
  case union([[JSONPathStep]])
  case filter(JSONPathFilter)
}

/// `[start:end:step]` as client-go keeps it: an absent end after a lone index is `start + 1`,
/// marked derived so that `[-1]` still reaches the last element.
struct JSONPathSlice: Sendable, Hashable {
  var start: Int?
  var end: Int?
  var endDerived: Bool
  var step: Int?
}

/// `[?(left op right)]`, or `[?(left)]` (existence) when `comparison` is nil.
struct JSONPathFilter: Sendable, Hashable {
  var left: JSONPathOperand
  var comparison: JSONPathComparison?
  var right: JSONPathOperand?
}

enum JSONPathOperand: Sendable, Hashable {
  /// A path from the element being filtered (`@` and `$` both name it, as in client-go).
  case path([JSONPathStep])
  case string(String)
  case int(Int64)
  case double(Double)
  case bool(Bool)
}

enum JSONPathComparison: String, Sendable, Hashable {
  case equal = "=="
  case notEqual = "!="
  case less = "<"
  case lessOrEqual = "<="
  case greater = ">"
  case greaterOrEqual = ">="
}

// MARK: - Parsing

/// client-go's parser, restricted to one action without its braces.
struct JSONPathParser {
  let expression: String
  let chars: [Unicode.Scalar]
  /// The offset of `chars[0]` in `expression`.
  let base: Int
  var i = 0

  init(expression: String) {
    self.init(expression: expression, chars: Array(expression.unicodeScalars), base: 0)
  }

  init(expression: String, chars: [Unicode.Scalar], base: Int) {
    self.expression = expression
    self.chars = chars
    self.base = base
  }

  var peek: Unicode.Scalar? { i < chars.count ? chars[i] : nil }

  func error(_ message: String, at position: Int? = nil) -> JSONPathError {
    JSONPathError(expression: expression, offset: base + (position ?? i), message: message)
  }

  func starts(with prefix: String) -> Bool {
    var k = i
    for c in prefix.unicodeScalars {
      guard k < chars.count, chars[k] == c else { return false }
      k += 1
    }
    return true
  }

  mutating func skipSpaces() {
    while let c = peek, c == " " { i += 1 }
  }

  /// An optional `@` or `$`, then steps up to the end of the input.
  mutating func parsePath() throws(JSONPathError) -> [JSONPathStep] {
    var steps: [JSONPathStep] = []
    skipSpaces()
    if let c = peek, c == "@" || c == "$" { i += 1 }
    while true {
      skipSpaces()
      guard let c = peek else { return steps }
      if starts(with: "[?(") {
        steps.append(.filter(try parseFilter()))
      } else if starts(with: "..") {
        if steps.last == .recursive { throw error("invalid multiple recursive descent") }
        i += 2
        steps.append(.recursive)
        if let next = peek, Self.isAlphaNumeric(next) { steps.append(parseField()) }
      } else if c == "." {
        i += 1
        steps.append(parseField())
      } else if c == "[" {
        steps += try parseBracket()
      } else if Self.isAlphaNumeric(c) || c == "+" || c == "-" {
        let start = i
        while let d = peek, !Self.isTerminator(d) { i += 1 }
        let word = String(String.UnicodeScalarView(chars[start..<i]))
        throw error("unrecognized identifier \(word)", at: start)
      } else {
        throw error("unrecognized character in action: \(String(c))")
      }
    }
  }

  /// A field name after its `.`: up to the next unescaped terminator, backslashes removed.
  mutating func parseField() -> JSONPathStep {
    var name = String.UnicodeScalarView()
    var escaped = false
    while let c = peek {
      if c == "\\" {
        escaped = true
        i += 1
        // client-go drops every backslash, escaped ones included.
        if let next = peek {
          if next != "\\" { name.append(next) }
          i += 1
        }
        continue
      }
      if Self.isTerminator(c) { break }
      name.append(c)
      i += 1
    }
    let text = String(name)
    return text == "*" && !escaped ? .wildcard : .field(text)
  }

  /// `[...]` up to the first `]`, as client-go scans it (quotes do not protect a `]`).
  mutating func parseBracket() throws(JSONPathError) -> [JSONPathStep] {
    let open = i
    i += 1
    if peek == "\"" { return [try parseLiteralKey(open: open)] }
    var inner: [Unicode.Scalar] = []
    while true {
      guard let c = peek, c != "\n" else { throw error("unterminated array", at: open) }
      i += 1
      if c == "]" { break }
      inner.append(c)
    }
    return try bracketSteps(inner, at: open + 1)
  }

  /// The steps of a bracket's content at `position`: a union, a `'key'` or a slice.
  func bracketSteps(_ inner: [Unicode.Scalar], at position: Int) throws(JSONPathError)
    -> [JSONPathStep]
  {
    let content: [Unicode.Scalar] = inner == ["*"] ? [":"] : inner
    let parts = content.split(separator: ",", omittingEmptySubsequences: false)
    if parts.count > 1 {
      var alternatives: [[JSONPathStep]] = []
      var partStart = position
      for part in parts {
        var trimmed = part[...]
        while trimmed.first == " " { trimmed = trimmed.dropFirst() }
        while trimmed.last == " " { trimmed = trimmed.dropLast() }
        let offset = partStart + (trimmed.startIndex - part.startIndex)
        alternatives.append(try bracketSteps(Array(trimmed), at: offset))
        partStart += part.count + 1
      }
      return [.union(alternatives)]
    }
    // 'key': client-go parses it again as the path `.key`.
    if content.count >= 2, content.first == "'", content.last == "'",
      !content.dropFirst().dropLast().contains("'")
    {
      var sub = JSONPathParser(
        expression: expression, chars: ["."] + content.dropFirst().dropLast(), base: base + position
      )
      return try sub.parsePath()
    }
    return [.slice(try slice(content, at: position))]
  }

  /// `^(-?\d*)(:-?\d*)?(:-?\d*)?$`, read into client-go's slice parameters.
  func slice(_ content: [Unicode.Scalar], at position: Int) throws(JSONPathError)
    -> JSONPathSlice
  {
    let text = String(String.UnicodeScalarView(content))
    let groups = content.split(separator: ":", omittingEmptySubsequences: false)
    let wellFormed =
      groups.count <= 3
      && groups.allSatisfy { group in
        let digits = group.first == "-" ? group.dropFirst() : group[...]
        return digits.allSatisfy { $0 >= "0" && $0 <= "9" }
      }
    guard wellFormed else { throw error("invalid array index \(text)", at: position) }
    func number(_ group: ArraySlice<Unicode.Scalar>) throws(JSONPathError) -> Int? {
      if group.isEmpty { return nil }
      let digits = String(String.UnicodeScalarView(group))
      guard let n = Int(digits) else {
        throw error("array index \(digits) is not a number", at: position)
      }
      return n
    }
    let start = try number(groups[0])
    var result = JSONPathSlice(start: start, end: nil, endDerived: false, step: nil)
    if groups.count > 1 {
      result.end = try number(groups[1])
    } else {
      result.end = (start ?? 0) &+ 1
      result.endDerived = true
    }
    if groups.count > 2 { result.step = try number(groups[2]) }
    return result
  }

  /// `["key"]`: a literal key; `\` escapes the next character.
  mutating func parseLiteralKey(open: Int) throws(JSONPathError) -> JSONPathStep {
    i += 1
    var key = String.UnicodeScalarView()
    while true {
      guard let c = peek else { throw error("unterminated quoted key", at: open) }
      i += 1
      if c == "\"" { break }
      if c == "\\" {
        guard let next = peek else { throw error("unterminated quoted key", at: open) }
        key.append(next)
        i += 1
      } else {
        key.append(c)
      }
    }
    guard peek == "]" else { throw error("expected ] after quoted key") }
    i += 1
    return .field(String(key))
  }

  /// `[?(...)]`, scanned as client-go scans it: the first `)` outside one quoted string.
  mutating func parseFilter() throws(JSONPathError) -> JSONPathFilter {
    let open = i
    i += 3
    let start = i
    var begin = false
    var end = false
    var pair: Unicode.Scalar = "\""
    var close = start
    while true {
      guard let c = peek, c != "\n" else { throw error("unterminated filter", at: open) }
      i += 1
      if c == "\"" || c == "'" {
        if !begin {
          begin = true
          pair = c
        } else if chars[i - 2] != "\\" && c == pair {
          end = true
        }
      } else if c == ")" && begin == end {
        close = i - 1
        break
      }
    }
    guard peek == "]" else { throw error("unclosed array expect ]") }
    i += 1
    return try filterBody(Array(chars[start..<close]), at: start)
  }

  /// `^([^!<>=]+)([!<>=]+)(.+?)$`, else an existence filter.
  func filterBody(_ body: [Unicode.Scalar], at position: Int) throws(JSONPathError)
    -> JSONPathFilter
  {
    func isOperator(_ c: Unicode.Scalar) -> Bool { c == "!" || c == "<" || c == ">" || c == "=" }
    if let opStart = body.firstIndex(where: isOperator), opStart > 0 {
      var opEnd = opStart
      while opEnd < body.count, isOperator(body[opEnd]) { opEnd += 1 }
      // The right side needs at least one character, which the regex takes back.
      if opEnd == body.count, opEnd - opStart > 1 { opEnd -= 1 }
      if opEnd < body.count {
        let op = String(String.UnicodeScalarView(body[opStart..<opEnd]))
        guard let comparison = JSONPathComparison(rawValue: op) else {
          throw error("unrecognized filter operator \(op)", at: position + opStart)
        }
        let left = try operand(Array(body[..<opStart]), at: position)
        let right = try operand(Array(body[opEnd...]), at: position + opEnd)
        return JSONPathFilter(left: left, comparison: comparison, right: right)
      }
    }
    return JSONPathFilter(left: try operand(body, at: position), comparison: nil, right: nil)
  }

  /// One side of a filter: a quoted string, a number, `true`/`false`, or a path.
  func operand(_ scalars: [Unicode.Scalar], at position: Int) throws(JSONPathError)
    -> JSONPathOperand
  {
    var p = JSONPathParser(expression: expression, chars: scalars, base: base + position)
    p.skipSpaces()
    guard let c = p.peek else { return .path([]) }
    let result: JSONPathOperand
    if c == "\"" || c == "'" {
      result = .string(try p.parseQuoted())
    } else if c == "+" || c == "-" || (c >= "0" && c <= "9") {
      result = try p.parseNumber()
    } else if Self.isAlphaNumeric(c) {
      let start = p.i
      while let d = p.peek, !Self.isTerminator(d) { p.i += 1 }
      let word = String(String.UnicodeScalarView(p.chars[start..<p.i]))
      switch word {
      case "true": result = .bool(true)
      case "false": result = .bool(false)
      default: throw p.error("unrecognized identifier \(word)", at: start)
      }
    } else {
      return .path(try p.parsePath())
    }
    p.skipSpaces()
    guard p.peek == nil else { throw p.error("unexpected text after a literal") }
    return result
  }

  /// A number as client-go reads it: a sign, then digits and dots; an integer if it is one.
  mutating func parseNumber() throws(JSONPathError) -> JSONPathOperand {
    let start = i
    if let c = peek, c == "+" || c == "-" { i += 1 }
    while let c = peek, c == "." || (c >= "0" && c <= "9") { i += 1 }
    let text = String(String.UnicodeScalarView(chars[start..<i]))
    if let n = Int64(text) { return .int(n) }
    if text.contains(where: \.isNumber), let d = Double(text) { return .double(d) }
    throw error("cannot parse number \(text)", at: start)
  }

  /// A string in `"` or `'`, ended by the first quote not preceded by `\`, unquoted as Go's
  /// `strconv.UnquoteChar` does.
  mutating func parseQuoted() throws(JSONPathError) -> String {
    let start = i
    let quote = chars[i]
    i += 1
    while true {
      guard let c = peek, c != "\n" else {
        throw error("unterminated quoted string", at: start)
      }
      i += 1
      if c == quote && chars[i - 2] != "\\" { break }
    }
    let body = chars[(start + 1)..<(i - 1)]
    guard let text = Self.unquote(body, quote: quote) else {
      let raw = String(String.UnicodeScalarView(chars[start..<i]))
      throw error("unquote string \(raw) error invalid syntax", at: start)
    }
    return text
  }

  static func unquote(_ body: ArraySlice<Unicode.Scalar>, quote: Unicode.Scalar) -> String? {
    var out = String.UnicodeScalarView()
    var k = body.startIndex
    func hex(_ count: Int) -> UInt32? {
      guard k + count <= body.endIndex else { return nil }
      var v: UInt32 = 0
      for c in body[k..<(k + count)] {
        guard c.isASCII, let d = Int(String(c), radix: 16) else { return nil }
        v = v * 16 + UInt32(d)
      }
      k += count
      return v
    }
    while k < body.endIndex {
      let c = body[k]
      k += 1
      if c == quote { return nil }
      guard c == "\\" else {
        out.append(c)
        continue
      }
      guard k < body.endIndex else { return nil }
      let e = body[k]
      k += 1
      switch e {
      case "a": out.append("\u{07}")
      case "b": out.append("\u{08}")
      case "f": out.append("\u{0C}")
      case "n": out.append("\n")
      case "r": out.append("\r")
      case "t": out.append("\t")
      case "v": out.append("\u{0B}")
      case "\\": out.append("\\")
      case "'", "\"":
        guard e == quote else { return nil }
        out.append(e)
      case "x", "u", "U":
        guard let v = hex(e == "x" ? 2 : e == "u" ? 4 : 8), let scalar = Unicode.Scalar(v) else {
          return nil
        }
        out.append(scalar)
      case "0"..."7":
        guard k + 2 <= body.endIndex else { return nil }
        var v = e.value - 0x30
        for d in body[k..<(k + 2)] {
          guard d >= "0" && d <= "7" else { return nil }
          v = v * 8 + (d.value - 0x30)
        }
        k += 2
        guard v <= 255, let scalar = Unicode.Scalar(v) else { return nil }
        out.append(scalar)
      default:
        return nil
      }
    }
    return String(out)
  }

  /// client-go's `isTerminator`: where an identifier or field name ends.
  static func isTerminator(_ c: Unicode.Scalar) -> Bool {
    switch c {
    case " ", "\t", "\r", "\n", ".", ",", "[", "]", "$", "@", "{", "}": return true
    default: return false
    }
  }

  /// Go's `r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)`.
  static func isAlphaNumeric(_ c: Unicode.Scalar) -> Bool {
    c == "_" || c.properties.isAlphabetic || c.properties.generalCategory == .decimalNumber
  }
}

// MARK: - Evaluation

/// client-go's evaluator with `AllowMissingKeys(true)`.
struct JSONPathEvaluator {
  let expression: String

  func failure(_ message: String) -> JSONPathError {
    JSONPathError(expression: expression, offset: nil, message: message)
  }

  func run(_ steps: [JSONPathStep], on input: [Value]) throws(JSONPathError) -> [Value] {
    var current = input
    for step in steps {
      current = try apply(step, to: current)
    }
    return current
  }

  func apply(_ step: JSONPathStep, to input: [Value]) throws(JSONPathError) -> [Value] {
    var out: [Value] = []
    switch step {
    case .field(let key):
      for value in input {
        if case .map(let members) = value, let member = members[key] { out.append(member) }
      }
    case .wildcard:
      for value in input { out += Self.children(of: value) }
    case .recursive:
      Self.descend(input, into: &out)
    case .slice(let slice):
      return try self.slice(slice, input)
    case .union(let alternatives):
      for alternative in alternatives { out += try run(alternative, on: input) }
    case .filter(let filter):
      return try self.filter(filter, input)
    }
    return out
  }

  /// Map values in byte order of their keys (client-go sorts map keys), list elements.
  static func children(of value: Value) -> [Value] {
    switch value {
    case .map(let members):
      return members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map(\.value)
    case .list(let elements):
      return elements
    default:
      return []
    }
  }

  /// Every non-empty map or list, then its descendants (client-go's `evalRecursive`).
  static func descend(_ input: [Value], into out: inout [Value]) {
    for value in input {
      let children = children(of: value)
      if children.isEmpty { continue }
      out.append(value)
      descend(children, into: &out)
    }
  }

  func slice(_ slice: JSONPathSlice, _ input: [Value]) throws(JSONPathError) -> [Value] {
    var out: [Value] = []
    for value in input {
      let elements: [Value]
      switch value {
      case .null: continue
      case .list(let list): elements = list
      default: throw failure("\(value.typeName) is not array or slice")
      }
      let count = elements.count
      var start = slice.start ?? 0
      if start < 0 { start = start &+ count }
      var end = slice.end ?? count
      if end < 0 || (end == 0 && slice.endDerived) { end = end &+ count }
      // Asking for no elements stops the whole step, later values included (as client-go).
      if end == start { return out }
      if start >= count || start < 0 {
        throw failure("array index out of bounds: index \(start), length \(count)")
      }
      if end > count || end < 0 {
        throw failure("array index out of bounds: index \(end &- 1), length \(count)")
      }
      if start > end {
        throw failure("starting index \(start) is greater than ending index \(end)")
      }
      var step = 1
      if let given = slice.step {
        guard given > 0 else { throw failure("step must be > 0") }
        step = given
      }
      var k = start
      while k < end {
        out.append(elements[k])
        let (next, overflow) = k.addingReportingOverflow(step)
        if overflow { break }
        k = next
      }
    }
    return out
  }

  /// Keeps the elements of each list (or values of each map) for which the filter holds.
  /// An element whose left side fails to evaluate does not match; comparisons between
  /// values of different kinds are false (`!=` true), as newer client-go has it.
  func filter(_ filter: JSONPathFilter, _ input: [Value]) throws(JSONPathError) -> [Value] {
    var out: [Value] = []
    for value in input {
      let candidates: [Value]
      switch value {
      case .null: continue
      case .list(let list): candidates = list
      case .map: candidates = Self.children(of: value)
      default: candidates = [value]
      }
      for candidate in candidates {
        guard let lefts = try? operand(filter.left, candidate), !lefts.isEmpty else { continue }
        guard lefts.count == 1 else { throw failure("can only compare one element at a time") }
        guard let comparison = filter.comparison, let right = filter.right else {
          out.append(candidate)
          continue
        }
        let rights = try operand(right, candidate)
        if rights.isEmpty { continue }
        guard rights.count == 1 else { throw failure("can only compare one element at a time") }
        if Self.compare(lefts[0], comparison, rights[0]) { out.append(candidate) }
      }
    }
    return out
  }

  func operand(_ operand: JSONPathOperand, _ element: Value) throws(JSONPathError) -> [Value] {
    switch operand {
    case .path(let steps): return try run(steps, on: [element])
    case .string(let s): return [.string(s)]
    case .int(let n): return [.int(n)]
    case .double(let d): return [.double(d)]
    case .bool(let b): return [.bool(b)]
    }
  }

  /// Strings compare by bytes, numbers by value (integers and floats alike), booleans only
  /// for equality; anything else is unordered and unequal.
  static func compare(_ left: Value, _ comparison: JSONPathComparison, _ right: Value) -> Bool {
    enum Order {
      case less, equal, greater
      case unordered(equal: Bool)
      case incomparable
    }
    let order: Order
    switch (left, right) {
    case (.string(let a), .string(let b)):
      order =
        a == b ? .equal : a.utf8.lexicographicallyPrecedes(b.utf8) ? .less : .greater
    case (.int(let a), .int(let b)):
      order = a == b ? .equal : a < b ? .less : .greater
    case (.int, .double), (.double, .int), (.double, .double):
      let a = left.doubleValue ?? 0
      let b = right.doubleValue ?? 0
      order = a == b ? .equal : a < b ? .less : .greater
    case (.bool(let a), .bool(let b)):
      order = .unordered(equal: a == b)
    default:
      order = .incomparable
    }
    switch (comparison, order) {
    case (.equal, .equal): return true
    case (.equal, .unordered(let equal)): return equal
    case (.equal, _): return false
    case (.notEqual, .equal): return false
    case (.notEqual, .unordered(let equal)): return !equal
    case (.notEqual, _): return true
    case (.less, .less): return true
    case (.lessOrEqual, .less), (.lessOrEqual, .equal): return true
    case (.greater, .greater): return true
    case (.greaterOrEqual, .greater), (.greaterOrEqual, .equal): return true
    default: return false
    }
  }
}
