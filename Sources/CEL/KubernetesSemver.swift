/// A semantic version (semver 2.0), the CEL type `kubernetes.Semver`, parsed as Kubernetes
/// parses it (`github.com/blang/semver/v4`), with its error messages.
public struct KubernetesSemver: CELOpaqueValue {
  /// One dot-separated prerelease identifier.
  public enum Prerelease: Sendable, Hashable {
    case number(UInt64)
    case text(String)
  }

  public private(set) var major: UInt64
  public private(set) var minor: UInt64
  public private(set) var patch: UInt64
  public private(set) var prerelease: [Prerelease]
  public private(set) var build: [String]

  public var typeName: String { "kubernetes.Semver" }

  /// Parses a strict `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`; with `normalize`, first
  /// strips a leading `v`, drops leading zeros and pads `1` or `1.2` with `.0`.
  public init(parsing text: String, normalize: Bool = false) throws(CELError) {
    self = normalize ? try Self.normalizeAndParse(text) : try Self.parse(text)
  }

  private init(major: UInt64, minor: UInt64, patch: UInt64) {
    self.major = major
    self.minor = minor
    self.patch = patch
    prerelease = []
    build = []
  }

  // MARK: - Comparison

  /// -1, 0 or 1 by semver precedence (build metadata ignored).
  public func compare(_ o: KubernetesSemver) -> Int {
    if major != o.major { return major > o.major ? 1 : -1 }
    if minor != o.minor { return minor > o.minor ? 1 : -1 }
    if patch != o.patch { return patch > o.patch ? 1 : -1 }
    if prerelease.isEmpty || o.prerelease.isEmpty {
      if prerelease.isEmpty == o.prerelease.isEmpty { return 0 }
      return prerelease.isEmpty ? 1 : -1
    }
    for (a, b) in zip(prerelease, o.prerelease) {
      switch (a, b) {
      case (.number(let x), .number(let y)) where x != y: return x > y ? 1 : -1
      case (.text(let x), .text(let y)) where x != y:
        return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1
      case (.number, .text): return -1
      case (.text, .number): return 1
      default: continue
      }
    }
    if prerelease.count == o.prerelease.count { return 0 }
    return prerelease.count < o.prerelease.count ? -1 : 1
  }

  public func isEqual(to other: any CELOpaqueValue) -> Bool {
    guard let v = other as? KubernetesSemver else { return false }
    return compare(v) == 0
  }

  public var description: String {
    var s = "\(major).\(minor).\(patch)"
    if !prerelease.isEmpty {
      s +=
        "-"
        + prerelease.map {
          switch $0 {
          case .number(let n): return String(n)
          case .text(let t): return t
          }
        }.joined(separator: ".")
    }
    if !build.isEmpty { s += "+" + build.joined(separator: ".") }
    return s
  }

  // MARK: - Parsing

  private static func isNumeric(_ s: Substring) -> Bool {
    s.utf8.allSatisfy { ($0 &- 0x30) < 10 }
  }

  /// `[0-9A-Za-z-]*`
  private static func isAlphanumeric(_ s: Substring) -> Bool {
    s.utf8.allSatisfy {
      ($0 &- 0x30) < 10 || ($0 &- 0x41) < 26 || ($0 &- 0x61) < 26 || $0 == UInt8(ascii: "-")
    }
  }

  private static func hasLeadingZeroes(_ s: Substring) -> Bool {
    s.utf8.count > 1 && s.utf8.first == UInt8(ascii: "0")
  }

  /// Go's `strconv.ParseUint(s, 10, 64)` with its error messages.
  private static func parseUInt(_ s: Substring) throws(CELError) -> UInt64 {
    let quoted = GoQuote.quote(String(s))
    guard !s.isEmpty, isNumeric(s) else {
      throw CELError("strconv.ParseUint: parsing \(quoted): invalid syntax")
    }
    guard let v = UInt64(s) else {
      throw CELError("strconv.ParseUint: parsing \(quoted): value out of range")
    }
    return v
  }

  private static func number(_ s: Substring, _ name: String) throws(CELError) -> UInt64 {
    let q = GoQuote.quote(String(s))
    if !isNumeric(s) {
      throw CELError("Invalid character(s) found in \(name.lowercased()) number \(q)")
    }
    if hasLeadingZeroes(s) {
      throw CELError("\(name) number must not contain leading zeroes \(q)")
    }
    return try parseUInt(s)
  }

  /// blang/semver's `Parse`.
  static func parse(_ s: String) throws(CELError) -> KubernetesSemver {
    if s.isEmpty { throw CELError("Version string empty") }
    let parts = s.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
    if parts.count != 3 { throw CELError("No Major.Minor.Patch elements found") }
    var v = KubernetesSemver(
      major: try number(parts[0], "Major"), minor: try number(parts[1], "Minor"), patch: 0)
    var patchText = parts[2]
    var buildParts: [Substring] = []
    var preParts: [Substring] = []
    if let plus = patchText.firstIndex(of: "+") {
      buildParts = patchText[patchText.index(after: plus)...].split(
        separator: ".", omittingEmptySubsequences: false)
      patchText = patchText[..<plus]
    }
    if let dash = patchText.firstIndex(of: "-") {
      preParts = patchText[patchText.index(after: dash)...].split(
        separator: ".", omittingEmptySubsequences: false)
      patchText = patchText[..<dash]
    }
    v.patch = try number(patchText, "Patch")
    for p in preParts {
      if p.isEmpty { throw CELError("Prerelease is empty") }
      if isNumeric(p) {
        if hasLeadingZeroes(p) {
          throw CELError(
            "Numeric PreRelease version must not contain leading zeroes \(GoQuote.quote(String(p)))"
          )
        }
        v.prerelease.append(.number(try parseUInt(p)))
      } else if isAlphanumeric(p) {
        v.prerelease.append(.text(String(p)))
      } else {
        throw CELError("Invalid character(s) found in prerelease \(GoQuote.quote(String(p)))")
      }
    }
    for b in buildParts {
      if b.isEmpty { throw CELError("Build meta data is empty") }
      if !isAlphanumeric(b) {
        throw CELError("Invalid character(s) found in build meta data \(GoQuote.quote(String(b)))")
      }
      v.build.append(String(b))
    }
    return v
  }

  /// Kubernetes' `normalizeAndParse`.
  static func normalizeAndParse(_ text: String) throws(CELError) -> KubernetesSemver {
    var s = Substring(text)
    if s.hasPrefix("v") { s = s.dropFirst() }
    var parts = s.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
      .map(String.init)
    for i in parts.indices where parts[i].utf8.count > 1 {
      var p = Substring(parts[i])
      while p.first == "0" { p = p.dropFirst() }
      if p.isEmpty || !(p.utf8.first.map { ($0 &- 0x30) < 10 } ?? false) { p = "0" + p }
      parts[i] = String(p)
    }
    if parts.count < 3 {
      if let last = parts.last, last.contains(where: { $0 == "+" || $0 == "-" }) {
        throw CELError("short version cannot contain PreRelease/Build meta data")
      }
      while parts.count < 3 { parts.append("0") }
    }
    return try parse(parts.joined(separator: "."))
  }
}
