import Objects

/// One of Kubernetes' named string formats, the CEL type `kubernetes.NamedFormat`
/// (`format.dns1123Label()`, `format.named('uuid')`, ...). `validate` returns
/// Kubernetes' messages, empty when the string is valid.
public struct KubernetesNamedFormat: CELOpaqueValue {
  /// Kubernetes' internal name (`DNS1123Label`, `uuid`, ...).
  public let name: String
  /// The messages for an invalid string; empty when it is valid.
  public let validate: @Sendable (String) -> [String]

  public var typeName: String { "kubernetes.NamedFormat" }

  public func isEqual(to other: any CELOpaqueValue) -> Bool {
    (other as? KubernetesNamedFormat)?.name == name
  }

  public var description: String { "format.\(name)" }

  /// The formats by their CEL names, as `format.named` looks them up.
  public static let all: [String: KubernetesNamedFormat] = [
    "dns1123Label": KubernetesNamedFormat(name: "DNS1123Label") {
      NameValidation.nameIsDNSLabel($0, false)
    },
    "dns1123Subdomain": KubernetesNamedFormat(name: "DNS1123Subdomain") {
      NameValidation.nameIsDNSSubdomain($0, false)
    },
    "dns1035Label": KubernetesNamedFormat(name: "DNS1035Label") {
      NameValidation.nameIsDNS1035Label($0, false)
    },
    "qualifiedName": KubernetesNamedFormat(name: "QualifiedName") {
      NameValidation.isQualifiedName($0)
    },
    "dns1123LabelPrefix": KubernetesNamedFormat(name: "DNS1123LabelPrefix") {
      NameValidation.nameIsDNSLabel($0, true)
    },
    "dns1123SubdomainPrefix": KubernetesNamedFormat(name: "DNS1123SubdomainPrefix") {
      NameValidation.nameIsDNSSubdomain($0, true)
    },
    "dns1035LabelPrefix": KubernetesNamedFormat(name: "DNS1035LabelPrefix") {
      NameValidation.nameIsDNS1035Label($0, true)
    },
    "labelValue": KubernetesNamedFormat(name: "LabelValue") {
      NameValidation.isValidLabelValue($0)
    },
    "uri": KubernetesNamedFormat(name: "URI") { s in
      KubernetesURL.requestURIError(s).map { [$0.message] } ?? []
    },
    "uuid": KubernetesNamedFormat(name: "uuid") {
      isUUID($0) ? [] : ["does not match the UUID format"]
    },
    "byte": KubernetesNamedFormat(name: "byte") { isBase64($0) ? [] : ["invalid base64"] },
    "date": KubernetesNamedFormat(name: "date") { isDate($0) ? [] : ["invalid date"] },
    "datetime": KubernetesNamedFormat(name: "datetime") {
      isDateTime($0) ? [] : ["invalid datetime"]
    },
  ]

  private init(name: String, validate: @escaping @Sendable (String) -> [String]) {
    self.name = name
    self.validate = validate
  }

  // MARK: - Validators (kube-openapi strfmt and govalidator)

  private static func isHex(_ c: UInt8) -> Bool {
    (c &- 0x30) < 10 || (c &- 0x61) < 6 || (c &- 0x41) < 6
  }

  private static func isDigit(_ c: UInt8) -> Bool { (c &- 0x30) < 10 }

  /// `(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$`
  static func isUUID(_ s: String) -> Bool {
    let b = Array(s.utf8)
    var i = 0
    for (n, group) in [8, 4, 4, 4, 12].enumerated() {
      if n > 0 && i < b.count && b[i] == UInt8(ascii: "-") { i += 1 }
      guard i + group <= b.count, b[i..<(i + group)].allSatisfy(isHex) else { return false }
      i += group
    }
    return i == b.count
  }

  /// govalidator's `IsBase64`:
  /// `^(?:[A-Za-z0-9+\/]{4})*(?:[A-Za-z0-9+\/]{2}==|[A-Za-z0-9+\/]{3}=|[A-Za-z0-9+\/]{4})$`
  static func isBase64(_ s: String) -> Bool {
    let b = Array(s.utf8)
    guard !b.isEmpty, b.count % 4 == 0 else { return false }
    func isChar(_ c: UInt8) -> Bool {
      (c &- 0x30) < 10 || (c &- 0x41) < 26 || (c &- 0x61) < 26 || c == UInt8(ascii: "+")
        || c == UInt8(ascii: "/")
    }
    let eq = UInt8(ascii: "=")
    let body = b.count - 4
    guard b[..<body].allSatisfy(isChar) else { return false }
    let t = b[body...]
    let (c0, c1, c2, c3) = (t[body], t[body + 1], t[body + 2], t[body + 3])
    guard isChar(c0), isChar(c1) else { return false }
    if c2 == eq { return c3 == eq }
    return isChar(c2) && (c3 == eq || isChar(c3))
  }

  /// Go's `time.Parse("2006-01-02", s)` succeeding: a real calendar date.
  static func isDate(_ s: String) -> Bool {
    let b = Array(s.utf8)
    guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else {
      return false
    }
    let digits = [0, 1, 2, 3, 5, 6, 8, 9]
    guard digits.allSatisfy({ isDigit(b[$0]) }) else { return false }
    func num(_ r: Range<Int>) -> Int { r.reduce(0) { $0 * 10 + Int(b[$1] - 0x30) } }
    let year = num(0..<4)
    let month = num(5..<7)
    let day = num(8..<10)
    guard month >= 1 && month <= 12 else { return false }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return day >= 1 && day <= days[month - 1]
  }

  /// kube-openapi's `IsDateTime`: lower-cased and split at `t`, the first part a date
  /// and the second matching
  /// `^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$`
  /// with hours <= 23 and minutes and seconds <= 59.
  static func isDateTime(_ s: String) -> Bool {
    guard s.utf8.count >= 4 else { return false }
    var lower = ""
    for u in s.unicodeScalars { lower += u.properties.lowercaseMapping }
    let parts = lower.split(separator: "t", omittingEmptySubsequences: false)
    guard parts.count >= 2, isDate(String(parts[0])) else { return false }
    let u = Array(parts[1].unicodeScalars)
    func digit(_ i: Int) -> Bool { i < u.count && (u[i].value &- 0x30) < 10 }
    guard u.count >= 9, digit(0), digit(1), u[2] == ":", digit(3), digit(4), u[5] == ":",
      digit(6), digit(7)
    else { return false }
    func isTail(_ start: Int) -> Bool {
      if start + 1 == u.count && u[start] == "z" { return true }
      return start + 6 == u.count && (u[start] == "+" || u[start] == "-") && digit(start + 1)
        && digit(start + 2) && u[start + 3] == ":" && digit(start + 4) && digit(start + 5)
    }
    var ok = isTail(8)
    if !ok && u[8] != "\n" {
      var i = 9
      while digit(i) { i += 1 }
      ok = i > 9 && i < u.count && isTail(i)
    }
    guard ok else { return false }
    func two(_ i: Int) -> Int { Int(u[i].value - 0x30) * 10 + Int(u[i + 1].value - 0x30) }
    return two(0) <= 23 && two(3) <= 59 && two(6) <= 59
  }
}
