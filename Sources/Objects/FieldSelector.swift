/// A Kubernetes field selector: a conjunction of equality tests on an object's fields, such
/// as `metadata.name=web,metadata.namespace!=kube-system`.
///
/// Same syntax, escaping, matching and error wording as `k8s.io/apimachinery/pkg/fields`
/// (`fields.ParseSelector`). Requirements are kept in canonical (sorted) order, so equal
/// selectors compare equal and render the same string.
public struct FieldSelector: Sendable, Hashable, CustomStringConvertible {
  /// A comparison; `==` in the string form reads as `equals`.
  public enum Operator: String, Sendable, Hashable, CaseIterable {
    case equals = "="
    case notEquals = "!="
  }

  /// One test of one field: `field=value` or `field!=value`.
  public struct Requirement: Sendable, Hashable, CustomStringConvertible {
    /// The field path, such as `metadata.name` or `status.phase`.
    public var field: String
    /// The comparison.
    public var `operator`: Operator
    /// The value, unescaped.
    public var value: String

    /// A requirement; `value` is taken literally (not escaped).
    public init(field: String, operator op: Operator, value: String) {
      self.field = field
      self.operator = op
      self.value = value
    }

    /// True when the field `lookup` finds (a missing field reads as `""`) passes the test.
    public func matches(_ lookup: (String) -> String?) -> Bool {
      let actual = lookup(field) ?? ""
      return self.operator == .equals ? actual == value : actual != value
    }

    /// The requirement in selector syntax, its value escaped: `spec.nodeName=a\,b`.
    public var description: String {
      field + self.operator.rawValue + FieldSelector.escapeValue(value)
    }
  }

  /// The requirements in canonical order; all must match.
  public let requirements: [Requirement]

  /// The selector that matches everything (the empty selector).
  public static let everything = FieldSelector([])

  /// A selector requiring all of `requirements`.
  public init(_ requirements: [Requirement]) {
    self.requirements = requirements.sorted {
      $0.description.utf8.lexicographicallyPrecedes($1.description.utf8)
    }
  }

  /// Parses `field=value,field!=value,field==value` (Kubernetes' `fields.ParseSelector`).
  /// Terms are split at commas not escaped by a backslash; in values, `\,`, `\=` and `\\`
  /// stand for `,`, `=` and `\`, and any other backslash or a bare `,` or `=` is an error.
  /// Empty terms are skipped, so the empty string selects everything. Field names are
  /// taken as written, but must be non-empty and free of whitespace.
  public init(parsing text: String) throws(FieldSelectorError) {
    var requirements: [Requirement] = []
    for term in FieldSelector.splitTerms(text) where !term.isEmpty {
      guard case (let field, let op, let rawValue)? = FieldSelector.splitTerm(term) else {
        throw FieldSelectorError(
          message: "invalid selector: '\(text)'; can't understand '\(term)'")
      }
      if field.isEmpty || field.unicodeScalars.contains(where: \.properties.isWhitespace) {
        throw FieldSelectorError(
          message: "invalid selector: '\(text)'; can't understand '\(term)':"
            + " field name '\(field)' must be non-empty and without whitespace")
      }
      let value: String
      do {
        value = try FieldSelector.unescapeValue(String(rawValue))
      } catch {
        throw FieldSelectorError(message: "\(error.message) in '\(term)'")
      }
      requirements.append(Requirement(field: String(field), operator: op, value: value))
    }
    self.init(requirements)
  }

  /// True for a selector without requirements, which matches everything.
  public var isEverything: Bool { requirements.isEmpty }

  /// True when the fields `lookup` finds (a missing field reads as `""`) pass every test.
  public func matches(_ lookup: (String) -> String?) -> Bool {
    requirements.allSatisfy { $0.matches(lookup) }
  }

  /// True when the field set `fields` passes every test.
  public func matches(_ fields: [String: String]) -> Bool {
    matches { fields[$0] }
  }

  /// The value `field` must equal for this selector to match, when a requirement
  /// `field=value` exists (Kubernetes' `RequiresExactMatch`, useful to pick an index).
  public func requiresExactMatch(_ field: String) -> String? {
    requirements.first { $0.field == field && $0.operator == .equals }?.value
  }

  /// The string form: requirements joined by commas, values escaped; `""` for everything.
  public var description: String {
    requirements.map(\.description).joined(separator: ",")
  }

  /// Escapes `\`, `,` and `=` with a backslash (Kubernetes' `fields.EscapeValue`).
  public static func escapeValue(_ value: String) -> String {
    var out = String.UnicodeScalarView()
    for scalar in value.unicodeScalars {
      if scalar == "\\" || scalar == "," || scalar == "=" { out.append("\\") }
      out.append(scalar)
    }
    return String(out)
  }

  /// Undoes `escapeValue` (Kubernetes' `fields.UnescapeValue`): an unknown escape, a
  /// trailing backslash, or an unescaped `,` or `=` is an error.
  public static func unescapeValue(_ value: String) throws(FieldSelectorError) -> String {
    var out = String.UnicodeScalarView()
    var inSlash = false
    for scalar in value.unicodeScalars {
      if inSlash {
        guard scalar == "\\" || scalar == "," || scalar == "=" else {
          throw FieldSelectorError(
            message: "invalid field selector: invalid escape sequence: \\\(scalar)")
        }
        out.append(scalar)
        inSlash = false
      } else if scalar == "\\" {
        inSlash = true
      } else if scalar == "," || scalar == "=" {
        throw FieldSelectorError(
          message: "invalid field selector: unescaped character in value: '\(scalar)'")
      } else {
        out.append(scalar)
      }
    }
    if inSlash {
      throw FieldSelectorError(message: "invalid field selector: invalid escape sequence: \\")
    }
    return String(out)
  }

  /// The terms of `text`, split at commas not preceded by an escaping backslash, sorted
  /// byte-wise as Kubernetes sorts them.
  static func splitTerms(_ text: String) -> [Substring] {
    guard !text.isEmpty else { return [] }
    var terms: [Substring] = []
    var start = text.utf8.startIndex
    var inSlash = false
    var i = start
    while i < text.utf8.endIndex {
      let byte = text.utf8[i]
      if inSlash {
        inSlash = false
      } else if byte == UInt8(ascii: "\\") {
        inSlash = true
      } else if byte == UInt8(ascii: ",") {
        terms.append(text[start..<i])
        start = text.utf8.index(after: i)
      }
      i = text.utf8.index(after: i)
    }
    terms.append(text[start...])
    return terms.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }

  /// Splits `term` at its first operator, trying `!=`, `==`, `=` at each position.
  static func splitTerm(_ term: Substring) -> (Substring, Operator, Substring)? {
    let bytes = term.utf8
    var i = bytes.startIndex
    while i < bytes.endIndex {
      let rest = bytes[i...]
      for (symbol, op) in [("!=", Operator.notEquals), ("==", .equals), ("=", .equals)]
      where rest.starts(with: symbol.utf8) {
        let valueStart = bytes.index(i, offsetBy: symbol.utf8.count)
        return (term[..<i], op, term[valueStart...])
      }
      i = bytes.index(after: i)
    }
    return nil
  }
}

/// Why a field selector does not parse.
public struct FieldSelectorError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What is wrong, worded as Kubernetes words it, with the offending term.
  public var message: String

  /// An error with `message`.
  public init(message: String) { self.message = message }

  public var description: String { message }
}
