/// Kubernetes' name, label and annotation validators, with messages worded exactly as
/// `k8s.io/apimachinery/pkg/util/validation` words them.
///
/// The formats are matched by scanning UTF-8 bytes rather than with a regex engine: these
/// checks run for every object, label and annotation. Lengths count bytes, as Go's `len`.
public enum NameValidation {
  /// A rule for object names: `prefix` is true for a `generateName`, which gets a random
  /// suffix appended, so a trailing `-` is allowed (Kubernetes' `ValidateNameFunc`).
  public typealias NameValidator = @Sendable (_ name: String, _ prefix: Bool) -> [String]

  /// The longest DNS (RFC 1123) label.
  public static let dns1123LabelMaxLength = 63
  /// The longest DNS (RFC 1123) subdomain.
  public static let dns1123SubdomainMaxLength = 253
  /// The longest DNS (RFC 1035) label.
  public static let dns1035LabelMaxLength = 63
  /// The longest name part of a qualified name.
  public static let qualifiedNameMaxLength = 63
  /// The longest label value.
  public static let labelValueMaxLength = 63
  /// The most bytes all annotation keys and values of one object may total (256 KiB).
  public static let totalAnnotationSizeLimit = 262_144

  // MARK: - String validators

  /// Checks a DNS (RFC 1123) subdomain: lowercase labels joined by dots, at most 253 bytes.
  public static func isDNS1123Subdomain(_ value: String) -> [String] {
    subdomainErrors(value[...])
  }

  /// Checks a DNS (RFC 1123) label: lowercase alphanumerics and `-`, at most 63 bytes.
  public static func isDNS1123Label(_ value: String) -> [String] {
    var errs: [String] = []
    if value.utf8.count > dns1123LabelMaxLength {
      errs.append(maxLenError(dns1123LabelMaxLength))
    }
    let shape = ByteScan.subdomain(value.utf8)
    if !shape.valid {
      errs.append(Messages.dns1123Label)
    } else if shape.hasDot {
      // A valid subdomain that is not a label: since length is checked, it must be dots.
      errs.append("must not contain dots")
    }
    return errs
  }

  /// Checks a DNS (RFC 1035) label: like an RFC 1123 label but starting with a letter.
  public static func isDNS1035Label(_ value: String) -> [String] {
    var errs: [String] = []
    if value.utf8.count > dns1035LabelMaxLength {
      errs.append(maxLenError(dns1035LabelMaxLength))
    }
    if !ByteScan.isDNS1035Label(value.utf8) {
      errs.append(Messages.dns1035Label)
    }
    return errs
  }

  /// Checks a qualified name (a label or annotation key): an optional DNS subdomain prefix
  /// and `/`, then a name of at most 63 alphanumerics, `-`, `_` or `.`.
  public static func isQualifiedName(_ value: String) -> [String] {
    var errs: [String] = []
    let utf8 = value.utf8
    var slash: String.Index?
    var slashes = 0
    for i in utf8.indices where utf8[i] == ByteScan.slash {
      slashes += 1
      if slashes > 1 { return [Messages.qualifiedNameShape] }
      slash = i
    }
    let name: Substring
    if let slash {
      let prefix = value[..<slash]
      name = value[value.utf8.index(after: slash)...]
      if prefix.isEmpty {
        errs.append("prefix part " + emptyError)
      } else {
        for msg in subdomainErrors(prefix) { errs.append("prefix part " + msg) }
      }
    } else {
      name = value[...]
    }
    let nameLength = name.utf8.count
    if nameLength == 0 {
      errs.append("name part " + emptyError)
    } else if nameLength > qualifiedNameMaxLength {
      errs.append("name part " + maxLenError(qualifiedNameMaxLength))
    }
    if !ByteScan.isQualifiedNamePart(name.utf8) {
      errs.append("name part " + Messages.qualifiedName)
    }
    return errs
  }

  /// Checks a label value: empty, or at most 63 alphanumerics, `-`, `_` or `.` that start
  /// and end with an alphanumeric.
  public static func isValidLabelValue(_ value: String) -> [String] {
    var errs: [String] = []
    if value.utf8.count > labelValueMaxLength {
      errs.append(maxLenError(labelValueMaxLength))
    }
    if !value.isEmpty && !ByteScan.isQualifiedNamePart(value.utf8) {
      errs.append(Messages.labelValue)
    }
    return errs
  }

  // MARK: - Object names

  /// The generic rule for object names (`NameIsDNSSubdomain`).
  public static let nameIsDNSSubdomain: NameValidator = { name, prefix in
    isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name)
  }

  /// The rule for names that must be a DNS label, such as namespaces (`NameIsDNSLabel`).
  public static let nameIsDNSLabel: NameValidator = { name, prefix in
    isDNS1123Label(prefix ? maskTrailingDash(name) : name)
  }

  /// The rule for names that only need to be a URL path segment, such as RBAC roles and
  /// bindings (`system:controller:...`): not `.` or `..`, no `/` or `%`
  /// (`ValidatePathSegmentName`).
  public static let nameIsPathSegment: NameValidator = { name, prefix in
    if !prefix, name == "." || name == ".." {
      return ["may not be '\(name)'"]
    }
    for forbidden in ["/", "%"] where name.contains(forbidden) {
      return ["may not contain '\(forbidden)'"]
    }
    return []
  }

  /// The rule for names that must be a DNS-1035 label, such as services.
  public static let nameIsDNS1035Label: NameValidator = { name, prefix in
    isDNS1035Label(prefix ? maskTrailingDash(name) : name)
  }

  /// The problems with an object name under the generic rule; with `prefix`, the name
  /// is a `generateName`.
  public static func validateObjectName(_ name: String, prefix: Bool = false) -> [String] {
    nameIsDNSSubdomain(name, prefix)
  }

  /// The problems with a namespace name.
  public static func validateNamespaceName(_ name: String, prefix: Bool = false) -> [String] {
    nameIsDNSLabel(name, prefix)
  }

  // MARK: - Labels and annotations

  /// Validates `metadata.labels`-style maps (`ValidateLabels`): every key a qualified
  /// name, every value a label value. Errors name `path` itself, as Kubernetes does; a
  /// value of the wrong type is reported at its own key. Absent or null is valid.
  public static func validateLabels(_ labels: Value?, at path: ValuePath) -> [FieldError] {
    let members: ValueMap
    switch labels {
    case nil, .null?: return []
    case .map(let m)?: members = m
    case let other?: return [typeInvalid(path, other, expected: "object")]
    }
    var errs: [FieldError] = []
    for (key, value) in members {
      for msg in isQualifiedName(key) {
        errs.append(.invalid(path, .string(key), msg))
      }
      switch value {
      case .string(let s):
        for msg in isValidLabelValue(s) {
          errs.append(.invalid(path, .string(s), msg))
        }
      case .null:
        break  // decodes as "", which is a valid label value
      default:
        errs.append(typeInvalid(path.appending(key), value, expected: "string"))
      }
    }
    return errs
  }

  /// Validates `metadata.annotations`-style maps (`ValidateAnnotations`): every key a
  /// qualified name once lower-cased, and keys plus values at most 256 KiB in total.
  public static func validateAnnotations(_ annotations: Value?, at path: ValuePath)
    -> [FieldError]
  {
    let members: ValueMap
    switch annotations {
    case nil, .null?: return []
    case .map(let m)?: members = m
    case let other?: return [typeInvalid(path, other, expected: "object")]
    }
    var errs: [FieldError] = []
    var totalSize = 0
    for (key, value) in members {
      // The rule is QualifiedName except that case does not matter.
      for msg in isQualifiedName(ByteScan.needsLowercasing(key) ? ByteScan.lowercased(key) : key) {
        errs.append(.invalid(path, .string(key), msg))
      }
      totalSize += key.utf8.count
      switch value {
      case .string(let s): totalSize += s.utf8.count
      case .null: break
      default: errs.append(typeInvalid(path.appending(key), value, expected: "string"))
      }
    }
    if totalSize > totalAnnotationSizeLimit {
      errs.append(
        FieldError(.tooLong, path, nil, "must have at most \(totalAnnotationSizeLimit) bytes"))
    }
    return errs
  }

  // MARK: - Messages

  /// Kubernetes' `MaxLenError`.
  static func maxLenError(_ length: Int) -> String {
    "must be no more than \(length) characters"
  }

  /// Kubernetes' `EmptyError`.
  static let emptyError = "must be non-empty"

  /// Kubernetes' `RegexError`, including its doubled space before each " or ".
  static func regexError(_ message: String, _ format: String, _ examples: [String]) -> String {
    if examples.isEmpty { return message + " (regex used for validation is '\(format)')" }
    var s = message + " (e.g. "
    for (i, example) in examples.enumerated() {
      if i > 0 { s += " or " }
      s += "'\(example)', "
    }
    return s + "regex used for validation is '\(format)')"
  }

  /// The error for a value of the wrong JSON type.
  static func typeInvalid(_ path: ValuePath, _ value: Value, expected: String) -> FieldError {
    FieldError(.typeInvalid, path, value, "must be of type \(expected)")
  }

  enum Messages {
    static let dns1123LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
    static let dns1123SubdomainFormat =
      dns1123LabelFormat + "(\\." + dns1123LabelFormat + ")*"
    static let dns1035LabelFormat = "[a-z]([-a-z0-9]*[a-z0-9])?"
    static let qualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
    static let labelValueFormat = "(" + qualifiedNameFormat + ")?"

    static let dns1123Label = regexError(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-',"
        + " and must start and end with an alphanumeric character",
      dns1123LabelFormat, ["my-name", "123-abc"])
    static let dns1123Subdomain = regexError(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters,"
        + " '-' or '.', and must start and end with an alphanumeric character",
      dns1123SubdomainFormat, ["example.com"])
    static let dns1035Label = regexError(
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start"
        + " with an alphabetic character, and end with an alphanumeric character",
      dns1035LabelFormat, ["my-name", "abc-123"])
    static let qualifiedNameWords =
      "must consist of alphanumeric characters, '-', '_' or '.', and must start and end"
      + " with an alphanumeric character"
    static let qualifiedName = regexError(
      qualifiedNameWords, qualifiedNameFormat, ["MyName", "my.name", "123-abc"])
    static let qualifiedNameShape =
      "a qualified name " + qualifiedName
      + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
    static let labelValue = regexError(
      "a valid label must be an empty string or consist of alphanumeric characters, '-',"
        + " '_' or '.', and must start and end with an alphanumeric character",
      labelValueFormat, ["MyValue", "my_value", "12345"])
  }

  // MARK: - Helpers

  static func subdomainErrors(_ value: Substring) -> [String] {
    var errs: [String] = []
    if value.utf8.count > dns1123SubdomainMaxLength {
      errs.append(maxLenError(dns1123SubdomainMaxLength))
    }
    if !ByteScan.subdomain(value.utf8).valid {
      errs.append(Messages.dns1123Subdomain)
    }
    return errs
  }

  /// Replaces a trailing `-` with a subdomain-safe character, for `generateName`.
  static func maskTrailingDash(_ name: String) -> String {
    guard name.utf8.last == ByteScan.dash else { return name }
    return String(name.dropLast()) + "a"
  }
}

extension NameValidation {
  /// Hand-written matchers for the validation regexes, over UTF-8 bytes.
  enum ByteScan {
    static let dash = UInt8(ascii: "-")
    static let dot = UInt8(ascii: ".")
    static let slash = UInt8(ascii: "/")
    static let underscore = UInt8(ascii: "_")

    /// `[a-z0-9]`
    @inline(__always) static func isLowerAlnum(_ b: UInt8) -> Bool {
      (b &- 0x61) < 26 || (b &- 0x30) < 10
    }

    /// `[A-Za-z0-9]`
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool {
      isLowerAlnum(b) || (b &- 0x41) < 26
    }

    /// Whether `bytes` matches `[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*`,
    /// and whether it contains a dot (a valid subdomain without dots is a valid label).
    static func subdomain(_ bytes: some Sequence<UInt8>) -> (valid: Bool, hasDot: Bool) {
      var previous = dot  // every label starts as if after a dot
      var hasDot = false
      for b in bytes {
        switch b {
        case 0x61...0x7A, 0x30...0x39:
          break
        case dash:
          if previous == dot { return (false, hasDot) }
        case dot:
          if !isLowerAlnum(previous) { return (false, true) }
          hasDot = true
        default:
          return (false, hasDot)
        }
        previous = b
      }
      return (isLowerAlnum(previous), hasDot)
    }

    /// Whether `bytes` matches `[a-z]([-a-z0-9]*[a-z0-9])?`.
    static func isDNS1035Label(_ bytes: some Sequence<UInt8>) -> Bool {
      var last: UInt8?
      for b in bytes {
        if last == nil {
          guard (b &- 0x61) < 26 else { return false }
        } else {
          guard isLowerAlnum(b) || b == dash else { return false }
        }
        last = b
      }
      guard let last else { return false }
      return isLowerAlnum(last)
    }

    /// Whether `bytes` matches `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
    static func isQualifiedNamePart(_ bytes: some Sequence<UInt8>) -> Bool {
      var last: UInt8?
      for b in bytes {
        if last == nil {
          guard isAlnum(b) else { return false }
        } else {
          guard isAlnum(b) || b == dash || b == underscore || b == dot else { return false }
        }
        last = b
      }
      guard let last else { return false }
      return isAlnum(last)
    }

    /// Whether lower-casing could change `s` (it has an upper-case ASCII or any non-ASCII
    /// byte; some non-ASCII characters, such as the Kelvin sign, lower-case to ASCII).
    static func needsLowercasing(_ s: String) -> Bool {
      s.utf8.contains { ($0 &- 0x41) < 26 || $0 >= 0x80 }
    }

    /// `s` lower-cased as Go's `strings.ToLower` does, as far as key validity can tell:
    /// ASCII letters, and the only two non-ASCII letters whose simple lower case is ASCII
    /// (U+0130 and the Kelvin sign). Other scalars stay, and stay invalid.
    static func lowercased(_ s: String) -> String {
      var scalars = String.UnicodeScalarView()
      for u in s.unicodeScalars {
        switch u.value {
        case 0x41...0x5A: scalars.append(Unicode.Scalar(UInt8(u.value + 0x20)))
        case 0x130: scalars.append("i")
        case 0x212A: scalars.append("k")
        default: scalars.append(u)
        }
      }
      return String(scalars)
    }
  }
}
