/// A Kubernetes label selector: a conjunction of requirements on an object's labels.
///
/// Same syntax, validation, matching and error wording as `k8s.io/apimachinery/pkg/labels`
/// (`labels.Parse`) and `metav1.LabelSelectorAsSelector`. Requirements are kept sorted by
/// key, so equal selectors compare equal and render the same canonical string.
public struct LabelSelector: Sendable, Hashable, CustomStringConvertible {
  /// A requirement operator, with Kubernetes' `selection.Operator` spelling as raw value.
  public enum Operator: String, Sendable, Hashable, CaseIterable {
    case equals = "="
    /// `==`: matches exactly as `equals` does; kept apart so it renders back as `==`.
    case doubleEquals = "=="
    case notEquals = "!="
    case `in` = "in"
    case notIn = "notin"
    case exists = "exists"
    case doesNotExist = "!"
    case greaterThan = "gt"
    case lessThan = "lt"
  }

  /// One condition on one label, such as `tier in (web,api)` or `!canary`.
  public struct Requirement: Sendable, Hashable, CustomStringConvertible {
    /// The label key (a qualified name).
    public let key: String
    /// How the label's value is compared with `values`.
    public let `operator`: Operator
    /// The values, sorted and without duplicates; empty for `exists` and `doesNotExist`.
    public let values: [String]

    /// A validated requirement (Kubernetes' `labels.NewRequirement`): the key must be a
    /// qualified name, every value a label value; `in`/`notin` need values, `=`/`==`/`!=`
    /// exactly one, `gt`/`lt` exactly one integer, `exists`/`!` none.
    public init(key: String, operator op: Operator, values: [String] = [])
      throws(LabelSelectorError)
    {
      var errors: [FieldError] = []
      let keyErrors = LabelSelectorValidation.qualifiedNameErrors(key)
      if !keyErrors.isEmpty {
        errors.append(.invalid("key", .string(key), keyErrors.joined(separator: "; ")))
      }
      let valuesPath: ValuePath = "values"
      let list = Value.list(values.map { .string($0) })
      switch op {
      case .in, .notIn:
        if values.isEmpty {
          errors.append(
            .invalid(valuesPath, list, "for 'in', 'notin' operators, values set can't be empty"))
        }
      case .equals, .doubleEquals, .notEquals:
        if values.count != 1 {
          errors.append(
            .invalid(valuesPath, list, "exact-match compatibility requires one single value"))
        }
      case .exists, .doesNotExist:
        if !values.isEmpty {
          errors.append(
            .invalid(
              valuesPath, list, "values set must be empty for exists and does not exist"))
        }
      case .greaterThan, .lessThan:
        if values.count != 1 {
          errors.append(
            .invalid(
              valuesPath, list, "for 'Gt', 'Lt' operators, exactly one value is required"))
        }
        for (i, value) in values.enumerated() where Int64(value) == nil {
          errors.append(
            .invalid(
              valuesPath.appending(i), .string(value),
              "for 'Gt', 'Lt' operators, the value must be an integer"))
        }
      }
      for (i, value) in values.enumerated() {
        let valueErrors = LabelSelectorValidation.labelValueErrors(value)
        if !valueErrors.isEmpty {
          errors.append(
            .invalid(
              valuesPath.appending(i).appending(key), .string(value),
              valueErrors.joined(separator: "; ")))
        }
      }
      if !errors.isEmpty { throw LabelSelectorError(fieldErrors: errors) }
      self.init(validKey: key, operator: op, values: values)
    }

    /// A requirement whose parts were already validated.
    init(validKey key: String, operator op: Operator, values: [String]) {
      self.key = key
      self.operator = op
      self.values = Set(values).sorted(by: LabelSelectorValidation.byteOrder)
    }

    /// True when the label `lookup` finds for `key` (nil when absent) satisfies this
    /// requirement. `!=` and `notin` match an absent label; `gt` and `lt` need the label
    /// present with an integer value.
    public func matches(_ lookup: (String) -> String?) -> Bool {
      switch self.operator {
      case .equals, .doubleEquals, .in:
        guard let value = lookup(key) else { return false }
        return values.contains(value)
      case .notEquals, .notIn:
        guard let value = lookup(key) else { return true }
        return !values.contains(value)
      case .exists:
        return lookup(key) != nil
      case .doesNotExist:
        return lookup(key) == nil
      case .greaterThan, .lessThan:
        guard let text = lookup(key), let actual = Int64(text), values.count == 1,
          let bound = Int64(values[0])
        else { return false }
        return self.operator == .greaterThan ? actual > bound : actual < bound
      }
    }

    /// The requirement in selector syntax: `a=b`, `a!=b`, `a in (b,c)`, `!a`, `a>3`.
    public var description: String {
      var out = self.operator == .doesNotExist ? "!" + key : key
      switch self.operator {
      case .exists, .doesNotExist: return out
      case .equals, .doubleEquals, .notEquals: out += self.operator.rawValue
      case .in, .notIn: out += " \(self.operator.rawValue) ("
      case .greaterThan: out += ">"
      case .lessThan: out += "<"
      }
      out += values.joined(separator: ",")
      if self.operator == .in || self.operator == .notIn { out += ")" }
      return out
    }
  }

  /// One entry of `matchExpressions` in the object form of a selector.
  public struct MatchExpression: Sendable, Hashable {
    /// The operators the object form allows, spelled as in JSON.
    public enum Operator: String, Sendable, Hashable, CaseIterable {
      case `in` = "In"
      case notIn = "NotIn"
      case exists = "Exists"
      case doesNotExist = "DoesNotExist"

      /// The string-form operator this one stands for.
      var selectorOperator: LabelSelector.Operator {
        switch self {
        case .in: return .in
        case .notIn: return .notIn
        case .exists: return .exists
        case .doesNotExist: return .doesNotExist
        }
      }
    }

    /// The label key.
    public var key: String
    /// The comparison.
    public var `operator`: Operator
    /// The values: required for `In`/`NotIn`, forbidden for `Exists`/`DoesNotExist`.
    public var values: [String]

    /// An expression; it is validated when a selector is built from it.
    public init(key: String, operator op: Operator, values: [String] = []) {
      self.key = key
      self.operator = op
      self.values = values
    }
  }

  /// The requirements, sorted by key; all must match.
  public let requirements: [Requirement]
  /// True only for `nothing`.
  private let selectsNothing: Bool

  /// The selector that matches every label set (the empty selector).
  public static let everything = LabelSelector([])
  /// The selector that matches no label set (Kubernetes' `labels.Nothing()`).
  public static let nothing = LabelSelector(requirements: [], selectsNothing: true)

  private init(requirements: [Requirement], selectsNothing: Bool) {
    self.requirements = requirements
    self.selectsNothing = selectsNothing
  }

  /// A selector requiring all of `requirements` (sorted by key, keeping their relative order
  /// for equal keys).
  public init(_ requirements: [Requirement]) {
    let sorted = requirements.enumerated().sorted { a, b in
      if a.element.key != b.element.key {
        return LabelSelectorValidation.byteOrder(a.element.key, b.element.key)
      }
      return a.offset < b.offset
    }
    self.init(requirements: sorted.map(\.element), selectsNothing: false)
  }

  /// Parses the string form, `a=b,c!=d,e in (f,g),h notin (i),!j,k,l>3,m<4`
  /// (Kubernetes' `labels.Parse`). Whitespace between tokens is ignored; the empty string
  /// selects everything.
  public init(parsing text: String) throws(LabelSelectorError) {
    var parser = LabelSelectorParser(text)
    self.init(try parser.parse())
  }

  /// The selector of a `metav1.LabelSelector` (`metav1.LabelSelectorAsSelector`), validated
  /// as `ValidateLabelSelector` does. No labels and no expressions select everything.
  public init(
    matchLabels: [String: String] = [:], matchExpressions: [MatchExpression] = [],
    path: ValuePath = ValuePath()
  ) throws(LabelSelectorError) {
    let labels = matchLabels.sorted { LabelSelectorValidation.byteOrder($0.key, $1.key) }
    let expressions = matchExpressions.map {
      LabelSelectorDecodedExpression(key: $0.key, operator: $0.operator.rawValue, values: $0.values)
    }
    try self.init(validating: labels, expressions, at: path, typeErrors: [])
  }

  /// The selector of a `metav1.LabelSelector` JSON object
  /// (`{"matchLabels": {...}, "matchExpressions": [{"key", "operator", "values"}]}`).
  /// Errors name fields relative to `path`. `value` must be an object: a null or absent
  /// selector means different things in different APIs, see `decode(_:at:ifAbsent:)`.
  public init(value: Value, path: ValuePath = ValuePath()) throws(LabelSelectorError) {
    var errors: [FieldError] = []
    guard case .map(let members) = value else {
      errors.append(FieldError(.typeInvalid, path, value, "must be of type object"))
      throw LabelSelectorError(fieldErrors: errors)
    }
    var labels: [(key: String, value: String)] = []
    var expressions: [LabelSelectorDecodedExpression] = []
    for (name, member) in members {
      let memberPath = path.appending(name)
      switch (name, member) {
      case (_, .null) where name == "matchLabels" || name == "matchExpressions":
        continue
      case ("matchLabels", .map(let map)):
        for (key, label) in map {
          if case .string(let text) = label {
            labels.append((key, text))
          } else {
            errors.append(
              FieldError(.typeInvalid, memberPath.appending(key), label, "must be of type string"))
          }
        }
      case ("matchLabels", _):
        errors.append(FieldError(.typeInvalid, memberPath, member, "must be of type object"))
      case ("matchExpressions", .list(let list)):
        for (i, element) in list.enumerated() {
          if let expression = Self.decodeExpression(
            element, at: memberPath.appending(i), into: &errors)
          {
            expressions.append(expression)
          }
        }
      case ("matchExpressions", _):
        errors.append(FieldError(.typeInvalid, memberPath, member, "must be of type array"))
      default:
        errors.append(.forbidden(memberPath, "unknown field"))
      }
    }
    try self.init(validating: labels, expressions, at: path, typeErrors: errors)
  }

  /// Decodes an optional selector field: `ifAbsent` when `value` is nil or null (Kubernetes
  /// APIs differ: some treat a missing selector as `nothing`, others as `everything`).
  public static func decode(
    _ value: Value?, at path: ValuePath = ValuePath(), ifAbsent: LabelSelector
  ) throws(LabelSelectorError) -> LabelSelector {
    guard let value, !value.isNull else { return ifAbsent }
    return try LabelSelector(value: value, path: path)
  }

  private static func decodeExpression(
    _ element: Value, at path: ValuePath, into errors: inout [FieldError]
  ) -> LabelSelectorDecodedExpression? {
    guard case .map(let members) = element else {
      errors.append(FieldError(.typeInvalid, path, element, "must be of type object"))
      return nil
    }
    var expression = LabelSelectorDecodedExpression(key: "", operator: "", values: [])
    var valid = true
    for (name, member) in members {
      let memberPath = path.appending(name)
      switch (name, member) {
      case (_, .null) where name == "key" || name == "operator" || name == "values":
        continue
      case ("key", .string(let text)):
        expression.key = text
      case ("operator", .string(let text)):
        expression.operator = text
      case ("key", _), ("operator", _):
        errors.append(FieldError(.typeInvalid, memberPath, member, "must be of type string"))
        valid = false
      case ("values", .list(let list)):
        for (i, item) in list.enumerated() {
          if case .string(let text) = item {
            expression.values.append(text)
          } else {
            errors.append(
              FieldError(.typeInvalid, memberPath.appending(i), item, "must be of type string"))
            valid = false
          }
        }
      case ("values", _):
        errors.append(FieldError(.typeInvalid, memberPath, member, "must be of type array"))
        valid = false
      default:
        errors.append(.forbidden(memberPath, "unknown field"))
      }
    }
    return valid ? expression : nil
  }

  /// Validates the object form as `ValidateLabelSelector` does, then builds the selector.
  private init(
    validating labels: [(key: String, value: String)],
    _ expressions: [LabelSelectorDecodedExpression], at path: ValuePath,
    typeErrors: [FieldError]
  ) throws(LabelSelectorError) {
    var errors = typeErrors
    let labelsPath = path.appending("matchLabels")
    for (key, value) in labels {
      for message in LabelSelectorValidation.qualifiedNameErrors(key) {
        errors.append(.invalid(labelsPath, .string(key), message))
      }
      for message in LabelSelectorValidation.labelValueErrors(value) {
        errors.append(.invalid(labelsPath, .string(value), message))
      }
    }
    var requirements = labels.map {
      Requirement(validKey: $0.key, operator: .equals, values: [$0.value])
    }
    for (i, expression) in expressions.enumerated() {
      let itemPath = path.appending("matchExpressions").appending(i)
      let valuesPath = itemPath.appending("values")
      let op = MatchExpression.Operator(rawValue: expression.operator)
      switch op {
      case .in?, .notIn?:
        if expression.values.isEmpty {
          errors.append(
            .required(valuesPath, "must be specified when `operator` is 'In' or 'NotIn'"))
        }
      case .exists?, .doesNotExist?:
        if !expression.values.isEmpty {
          errors.append(
            .forbidden(
              valuesPath, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
        }
      case nil:
        errors.append(
          .invalid(
            itemPath.appending("operator"), .string(expression.operator),
            "not a valid selector operator"))
      }
      for message in LabelSelectorValidation.qualifiedNameErrors(expression.key) {
        errors.append(.invalid(itemPath.appending("key"), .string(expression.key), message))
      }
      for (j, value) in expression.values.enumerated() {
        for message in LabelSelectorValidation.labelValueErrors(value) {
          errors.append(.invalid(valuesPath.appending(j), .string(value), message))
        }
      }
      if let op {
        requirements.append(
          Requirement(
            validKey: expression.key, operator: op.selectorOperator, values: expression.values))
      }
    }
    if !errors.isEmpty { throw LabelSelectorError(fieldErrors: errors) }
    self.init(requirements)
  }

  /// True for a selector without requirements, which matches everything (Kubernetes'
  /// `Selector.Empty()`); false for `nothing`.
  public var isEverything: Bool { requirements.isEmpty && !selectsNothing }

  /// True for `nothing`.
  public var isNothing: Bool { selectsNothing }

  /// True when the label set `lookup` describes (nil for an absent label) meets every
  /// requirement.
  public func matches(_ lookup: (String) -> String?) -> Bool {
    if selectsNothing { return false }
    return requirements.allSatisfy { $0.matches(lookup) }
  }

  /// True when `labels` meets every requirement.
  public func matches(_ labels: [String: String]) -> Bool {
    matches { labels[$0] }
  }

  /// True when the `metadata.labels` map `labels` meets every requirement. A nil, null or
  /// non-map value is an empty label set; members whose value is not a string are ignored.
  public func matches(labels: Value?) -> Bool {
    matches { labels?[$0]?.stringValue }
  }

  /// The canonical string form: requirements sorted by key, joined by commas; `""` for
  /// `everything`. `nothing` has no string form and renders as `<nothing>`, which does
  /// not parse (Kubernetes renders it as `""`, which would parse back as everything).
  public var description: String {
    if selectsNothing { return "<nothing>" }
    return requirements.map(\.description).joined(separator: ",")
  }
}

/// Why a label selector is invalid.
public struct LabelSelectorError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What is wrong, worded as Kubernetes words it.
  public var message: String
  /// The UTF-8 offset in the parsed string of the offending token (parse errors only).
  public var offset: Int?
  /// The individual field problems, for errors found by validating values or objects.
  public var fieldErrors: [FieldError]

  /// An error with `message`.
  public init(message: String, offset: Int? = nil, fieldErrors: [FieldError] = []) {
    self.message = message
    self.offset = offset
    self.fieldErrors = fieldErrors
  }

  /// An error made of `fieldErrors`, aggregated as Kubernetes' `ErrorList.ToAggregate`:
  /// one message alone, several in brackets, duplicates dropped.
  init(fieldErrors: [FieldError], offset: Int? = nil) {
    var seen = Set<String>()
    var messages: [String] = []
    for error in fieldErrors where seen.insert(error.description).inserted {
      messages.append(error.description)
    }
    let message =
      messages.count == 1 ? messages[0] : "[" + messages.joined(separator: ", ") + "]"
    self.init(message: message, offset: offset, fieldErrors: fieldErrors)
  }

  /// The message, followed by the offset of the offending token when known.
  public var description: String {
    guard let offset else { return message }
    return "\(message) (at offset \(offset))"
  }
}

/// A `matchExpressions` entry whose operator is still the JSON string.
struct LabelSelectorDecodedExpression {
  var key: String
  var `operator`: String
  var values: [String]
}

// MARK: - Parsing

/// Kubernetes' label selector lexer and recursive-descent parser, token for token.
private struct LabelSelectorParser {
  enum Token {
    case endOfString
    case closedPar
    case comma
    case doesNotExist
    case doubleEquals
    case equals
    case greaterThan
    case identifier
    case `in`
    case lessThan
    case notEquals
    case notIn
    case openPar
  }

  struct Item {
    var token: Token
    var literal: String
    var offset: Int
  }

  enum Context {
    case keyAndOperator
    case values
  }

  static let keywords: [String: Token] = [
    ")": .closedPar, ",": .comma, "!": .doesNotExist, "==": .doubleEquals, "=": .equals,
    ">": .greaterThan, "in": .in, "<": .lessThan, "!=": .notEquals, "notin": .notIn,
    "(": .openPar,
  ]

  static let binaryOperators = "in, notin, =, ==, !=, gt, lt"

  var items: [Item] = []
  var position = 0

  init(_ text: String) {
    let bytes = Array(text.utf8)
    var i = 0
    while true {
      while i < bytes.count, Self.isWhitespace(bytes[i]) { i += 1 }
      let start = i
      guard i < bytes.count else {
        items.append(Item(token: .endOfString, literal: "", offset: start))
        return
      }
      if Self.isSpecial(bytes[i]) {
        // Longest run of symbols that still spells a token, as Kubernetes' lexer reads it.
        var last: (token: Token, end: Int)?
        var end = i
        while end < bytes.count, Self.isSpecial(bytes[end]) {
          end += 1
          let symbol = String(decoding: bytes[i..<end], as: UTF8.self)
          if let token = Self.keywords[symbol] {
            last = (token, end)
          } else if last != nil {
            break
          }
        }
        // Every single symbol is a token, so `last` is set after the first byte.
        let match = last ?? (.identifier, i + 1)
        items.append(
          Item(
            token: match.token, literal: String(decoding: bytes[i..<match.end], as: UTF8.self),
            offset: start))
        i = match.end
      } else {
        while i < bytes.count, !Self.isSpecial(bytes[i]), !Self.isWhitespace(bytes[i]) {
          i += 1
        }
        let word = String(decoding: bytes[start..<i], as: UTF8.self)
        let token = Self.keywords[word] ?? .identifier
        items.append(Item(token: token, literal: word, offset: start))
      }
    }
  }

  static func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
  }

  static func isSpecial(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "("), UInt8(ascii: ")"),
      UInt8(ascii: ","), UInt8(ascii: ">"), UInt8(ascii: "<"):
      return true
    default:
      return false
    }
  }

  /// The next item; `in` and `notin` read as identifiers where values are expected.
  func lookahead(_ context: Context) -> Item {
    var item = items[min(position, items.count - 1)]
    if context == .values, item.token == .in || item.token == .notIn {
      item.token = .identifier
    }
    return item
  }

  mutating func consume(_ context: Context) -> Item {
    let item = lookahead(context)
    position += 1
    return item
  }

  func error(_ message: String, at item: Item) -> LabelSelectorError {
    LabelSelectorError(message: message, offset: item.offset)
  }

  mutating func parse() throws(LabelSelectorError) -> [LabelSelector.Requirement] {
    var requirements: [LabelSelector.Requirement] = []
    while true {
      let next = lookahead(.values)
      switch next.token {
      case .identifier, .doesNotExist:
        do {
          requirements.append(try parseRequirement())
        } catch {
          var wrapped = error
          wrapped.message = "unable to parse requirement: " + error.message
          throw wrapped
        }
        let separator = consume(.values)
        switch separator.token {
        case .endOfString:
          return requirements
        case .comma:
          let after = lookahead(.values)
          if after.token != .identifier && after.token != .doesNotExist {
            throw error("found '\(after.literal)', expected: identifier after ','", at: after)
          }
        default:
          throw error(
            "found '\(separator.literal)', expected: ',' or 'end of string'", at: separator)
        }
      case .endOfString:
        return requirements
      default:
        throw error(
          "found '\(next.literal)', expected: !, identifier, or 'end of string'", at: next)
      }
    }
  }

  mutating func parseRequirement() throws(LabelSelectorError) -> LabelSelector.Requirement {
    let start = lookahead(.values).offset
    let (key, inferred) = try parseKeyAndInferOperator()
    let op: LabelSelector.Operator
    var values: [String] = []
    if let inferred {
      op = inferred
    } else {
      op = try parseOperator()
      switch op {
      case .in, .notIn: values = try parseValues()
      default: values = try parseExactValue()
      }
    }
    do {
      return try LabelSelector.Requirement(key: key, operator: op, values: values)
    } catch {
      throw LabelSelectorError(fieldErrors: error.fieldErrors, offset: start)
    }
  }

  /// The key, and `exists` or `doesNotExist` when no binary operator follows it.
  mutating func parseKeyAndInferOperator() throws(LabelSelectorError) -> (
    String, LabelSelector.Operator?
  ) {
    var op: LabelSelector.Operator?
    var item = consume(.values)
    if item.token == .doesNotExist {
      op = .doesNotExist
      item = consume(.values)
    }
    guard item.token == .identifier else {
      throw error("found '\(item.literal)', expected: identifier", at: item)
    }
    let keyErrors = LabelSelectorValidation.qualifiedNameErrors(item.literal)
    if !keyErrors.isEmpty {
      let fieldError = FieldError.invalid(
        ValuePath(), .string(item.literal), keyErrors.joined(separator: "; "))
      throw LabelSelectorError(fieldErrors: [fieldError], offset: item.offset)
    }
    let next = lookahead(.values).token
    if op == nil, next == .endOfString || next == .comma { op = .exists }
    return (item.literal, op)
  }

  mutating func parseOperator() throws(LabelSelectorError) -> LabelSelector.Operator {
    let item = consume(.keyAndOperator)
    switch item.token {
    case .in: return .in
    case .equals: return .equals
    case .doubleEquals: return .doubleEquals
    case .greaterThan: return .greaterThan
    case .lessThan: return .lessThan
    case .notIn: return .notIn
    case .notEquals: return .notEquals
    default:
      throw error("found '\(item.literal)', expected: \(Self.binaryOperators)", at: item)
    }
  }

  mutating func parseValues() throws(LabelSelectorError) -> [String] {
    let open = consume(.values)
    guard open.token == .openPar else {
      throw error("found '\(open.literal)' expected: '('", at: open)
    }
    let first = lookahead(.values)
    switch first.token {
    case .identifier, .comma:
      let values = try parseIdentifiersList()
      let close = consume(.values)
      guard close.token == .closedPar else {
        throw error("found '\(close.literal)', expected: ')'", at: close)
      }
      return values
    case .closedPar:
      _ = consume(.values)
      return [""]
    default:
      throw error("found '\(first.literal)', expected: ',', ')' or identifier", at: first)
    }
  }

  /// The values of `( ... )` up to, not including, `)`; empty places (`(,a)`, `(a,,b)`,
  /// `(a,)`) stand for the empty value, as in Kubernetes.
  mutating func parseIdentifiersList() throws(LabelSelectorError) -> [String] {
    var values: [String] = []
    while true {
      let item = consume(.values)
      switch item.token {
      case .identifier:
        values.append(item.literal)
        let next = lookahead(.values)
        switch next.token {
        case .comma: continue
        case .closedPar: return values
        default: throw error("found '\(next.literal)', expected: ',' or ')'", at: next)
        }
      case .comma:
        if values.isEmpty { values.append("") }
        let next = lookahead(.values).token
        if next == .closedPar {
          values.append("")
          return values
        }
        if next == .comma {
          _ = consume(.values)
          values.append("")
        }
      default:
        throw error("found '\(item.literal)', expected: ',', or identifier", at: item)
      }
    }
  }

  mutating func parseExactValue() throws(LabelSelectorError) -> [String] {
    let next = lookahead(.values).token
    if next == .endOfString || next == .comma { return [""] }
    let item = consume(.values)
    guard item.token == .identifier else {
      throw error("found '\(item.literal)', expected: identifier", at: item)
    }
    return [item.literal]
  }
}

// MARK: - Name validation

/// Kubernetes' `IsQualifiedName` and `IsValidLabelValue`, with their messages.
enum LabelSelectorValidation {
  static let qualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
  static let qualifiedNameMessage = regexError(
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with"
      + " an alphanumeric character", qualifiedNameFormat, ["MyName", "my.name", "123-abc"])
  static let subdomainFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
  static let subdomainMessage = regexError(
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters,"
      + " '-' or '.', and must start and end with an alphanumeric character",
    subdomainFormat, ["example.com"])
  static let labelValueMessage = regexError(
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_'"
      + " or '.', and must start and end with an alphanumeric character",
    "(" + qualifiedNameFormat + ")?", ["MyValue", "my_value", "12345"])

  /// Kubernetes' `RegexError`, including its doubled space before each " or ".
  static func regexError(_ message: String, _ format: String, _ examples: [String]) -> String {
    var out = message + " (e.g. "
    for (i, example) in examples.enumerated() {
      if i > 0 { out += " or " }
      out += "'\(example)', "
    }
    return out + "regex used for validation is '\(format)')"
  }

  static func maxLengthError(_ length: Int) -> String {
    "must be no more than \(length) characters"
  }

  /// Go's byte-wise string order.
  static func byteOrder(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
  }

  /// The problems with `value` as a label key (`IsQualifiedName`); empty when valid.
  static func qualifiedNameErrors(_ value: String) -> [String] {
    let parts = value.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
    var errors: [String] = []
    let name: Substring.UTF8View
    switch parts.count {
    case 1:
      name = parts[0]
    case 2:
      let prefix = parts[0]
      name = parts[1]
      if prefix.isEmpty {
        errors.append("prefix part must be non-empty")
      } else {
        if prefix.count > 253 { errors.append("prefix part " + maxLengthError(253)) }
        if !isSubdomain(prefix) { errors.append("prefix part " + subdomainMessage) }
      }
    default:
      return [
        "a qualified name " + qualifiedNameMessage
          + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
      ]
    }
    if name.isEmpty {
      errors.append("name part must be non-empty")
    } else if name.count > 63 {
      errors.append("name part " + maxLengthError(63))
    }
    if !isQualifiedNamePart(name) { errors.append("name part " + qualifiedNameMessage) }
    return errors
  }

  /// The problems with `value` as a label value (`IsValidLabelValue`); empty when valid.
  static func labelValueErrors(_ value: String) -> [String] {
    var errors: [String] = []
    if value.utf8.count > 63 { errors.append(maxLengthError(63)) }
    if !value.isEmpty && !isQualifiedNamePart(Substring(value).utf8) {
      errors.append(labelValueMessage)
    }
    return errors
  }

  static func isAlphanumeric(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
      || (byte >= 0x61 && byte <= 0x7A)
  }

  /// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`
  static func isQualifiedNamePart(_ bytes: Substring.UTF8View) -> Bool {
    guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first),
      isAlphanumeric(last)
    else { return false }
    return bytes.allSatisfy {
      isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
        || $0 == UInt8(ascii: ".")
    }
  }

  /// `[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*`
  static func isSubdomain(_ bytes: Substring.UTF8View) -> Bool {
    func lowerAlphanumeric(_ byte: UInt8) -> Bool {
      (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A)
    }
    for label in bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
      guard let first = label.first, let last = label.last, lowerAlphanumeric(first),
        lowerAlphanumeric(last),
        label.allSatisfy({ lowerAlphanumeric($0) || $0 == UInt8(ascii: "-") })
      else { return false }
    }
    return true
  }
}
