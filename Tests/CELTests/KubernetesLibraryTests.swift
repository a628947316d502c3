import Testing

@testable import CEL

/// Calls `name` in `library` with the first overload that accepts `args`.
private func call(_ library: CELLibrary, _ name: String, _ args: CELValue...) -> CELValue {
  invoke(library, name, args) { $0.accepts(args) }
}

/// Calls the first overload of `name` with the arity of `args`, even when the argument
/// types do not fit (to reach an implementation's own type check).
private func callUnchecked(_ library: CELLibrary, _ name: String, _ args: CELValue...)
  -> CELValue
{
  invoke(library, name, args) { $0.params.count == args.count }
}

private func invoke(
  _ library: CELLibrary, _ name: String, _ args: [CELValue], _ pick: (CELOverload) -> Bool
) -> CELValue {
  guard let function = library.functions.first(where: { $0.name == name }),
    let overload = function.overloads.first(where: pick),
    let impl = overload.impl
  else { return .error("test: no overload for \(name)") }
  switch impl {
  case .unary(let f): return f(args[0])
  case .binary(let f): return f(args[0], args[1])
  case .ternary(let f): return f(args[0], args[1], args[2])
  case .variadic(let f): return f(args)
  }
}

private func bool(_ v: CELValue) -> Bool? {
  if case .bool(let b) = v { return b }
  return nil
}

private func int(_ v: CELValue) -> Int64? {
  if case .int(let i) = v { return i }
  return nil
}

private func double(_ v: CELValue) -> Double? {
  if case .double(let d) = v { return d }
  return nil
}

private func string(_ v: CELValue) -> String? {
  if case .string(let s) = v { return s }
  return nil
}

private func errorMessage(_ v: CELValue) -> String? {
  if case .error(let e) = v { return e.message }
  return nil
}

private func opaqueEqual(_ a: CELValue, _ b: CELValue) -> Bool {
  guard case .opaque(let x) = a, case .opaque(let y) = b else { return false }
  return x.isEqual(to: y)
}

private func text(_ v: CELValue) -> String? {
  if case .opaque(let o) = v { return o.description }
  return nil
}

// MARK: - Quantity

private let quantityLib = QuantityLibrary.library
private func q(_ s: String) -> CELValue { call(quantityLib, "quantity", .string(s)) }

@Test func quantityParsesAndPrintsCanonically() {
  #expect(text(q("12Mi")) == "12Mi")
  #expect(text(q("1.5")) == "1500m")
  #expect(text(q("1.5Gi")) == "1536Mi")
  #expect(text(q("12e6")) == "12e6")
  #expect(text(q("100m")) == "100m")
  #expect(text(q("0.5Ki")) == "512")
  #expect(text(q("0.1n")) == "1n")  // rounded up to the smallest unit
  #expect(text(q("-0")) == "0")
  #expect(text(q("8Ei")) == "9223372036854775807")  // binary quantities are capped
  #expect(bool(call(quantityLib, "isQuantity", .string("1.3Gi"))) == true)
  #expect(bool(call(quantityLib, "isQuantity", .string("10000k"))) == true)
  #expect(bool(call(quantityLib, "isQuantity", .string("1,3G"))) == false)
  #expect(bool(call(quantityLib, "isQuantity", .string("200K"))) == false)
  #expect(bool(call(quantityLib, "isQuantity", .string("Three"))) == false)
}

@Test func quantityParseErrors() {
  let regex =
    "quantities must match the regular expression "
    + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
  #expect(errorMessage(q("10Mo")) == regex)
  #expect(errorMessage(q("")) == regex)
  #expect(errorMessage(q("10Mm")) == "unable to parse quantity's suffix")
  #expect(errorMessage(q("200K")) == "unable to parse quantity's suffix")
  #expect(errorMessage(q(".e-10")) == "unable to parse numeric part of quantity")
  #expect(
    errorMessage(callUnchecked(quantityLib, "quantity", .int(1)))?.hasPrefix("no such") == true)
}

@Test func quantityEqualityAndComparison() {
  #expect(opaqueEqual(q("200M"), q("0.2G")))
  #expect(opaqueEqual(q("2000k"), q("2M")))
  #expect(!opaqueEqual(q("200M"), q("0.3G")))
  #expect(int(call(quantityLib, "compareTo", q("200M"), q("0.2G"))) == 0)
  #expect(int(call(quantityLib, "compareTo", q("50M"), q("50Mi"))) == -1)
  #expect(int(call(quantityLib, "compareTo", q("50Mi"), q("50M"))) == 1)
  #expect(bool(call(quantityLib, "isLessThan", q("50M"), q("100M"))) == true)
  #expect(bool(call(quantityLib, "isLessThan", q("100M"), q("50M"))) == false)
  #expect(bool(call(quantityLib, "isGreaterThan", q("150Mi"), q("100Mi"))) == true)
  #expect(bool(call(quantityLib, "isGreaterThan", q("50M"), q("100M"))) == false)
  // Fast form against the arbitrary-precision form, and huge exponents.
  #expect(int(call(quantityLib, "compareTo", q("1E"), q("1Ei"))) == -1)
  #expect(int(call(quantityLib, "compareTo", q("1e1000000000"), q("1"))) == 1)
  #expect(int(call(quantityLib, "compareTo", q("-1e1000000000"), q("1"))) == -1)
  #expect(
    opaqueEqual(
      q("9999999999999999999999999999999999999G"), q("9999999999999999999999999999999999999e9")))
  #expect(int(call(quantityLib, "sign", q("-5m"))) == -1)
  #expect(int(call(quantityLib, "sign", q("0"))) == 0)
  #expect(int(call(quantityLib, "sign", q("3Ki"))) == 1)
}

@Test func quantityArithmetic() {
  #expect(opaqueEqual(call(quantityLib, "add", q("50k"), q("20")), q("50.02k")))
  #expect(opaqueEqual(call(quantityLib, "add", q("50k"), .int(20)), q("50020")))
  #expect(opaqueEqual(call(quantityLib, "sub", q("50k"), q("20")), q("49.98k")))
  #expect(opaqueEqual(call(quantityLib, "sub", q("50k"), .int(20)), q("49980")))
  let chain = call(
    quantityLib, "sub",
    call(quantityLib, "sub", call(quantityLib, "add", q("50k"), .int(20)), q("100k")),
    .int(-50000))
  #expect(int(call(quantityLib, "asInteger", chain)) == 20)
  // Overflowing the Int64 mantissa moves to the exact form, as in Kubernetes.
  let big = call(quantityLib, "add", q("9223372036854775807"), .int(1))
  #expect(opaqueEqual(big, q("9223372036854775808")))
  #expect(bool(call(quantityLib, "isInteger", big)) == false)
  #expect(text(call(quantityLib, "sub", big, .int(1))) == "9223372036854775807")
  #expect(
    errorMessage(callUnchecked(quantityLib, "add", q("1"), .string("x")))?.hasPrefix("no such")
      == true)
}

@Test func quantityIntegerAndFloatConversions() {
  #expect(int(call(quantityLib, "asInteger", q("50k"))) == 50000)
  #expect(bool(call(quantityLib, "isInteger", q("50000000G"))) == true)
  #expect(bool(call(quantityLib, "isInteger", q("50"))) == true)
  let huge = q("9999999999999999999999999999999999999G")
  #expect(bool(call(quantityLib, "isInteger", huge)) == false)
  #expect(errorMessage(call(quantityLib, "asInteger", huge)) == "cannot convert value to integer")
  // Kubernetes' AsInt64 refuses a negative scale even when the value is whole.
  #expect(bool(call(quantityLib, "isInteger", q("1.0"))) == false)
  #expect(
    errorMessage(call(quantityLib, "asInteger", q("1.5"))) == "cannot convert value to integer")
  #expect(double(call(quantityLib, "asApproximateFloat", q("50.703k"))) == 50703)
  #expect(double(call(quantityLib, "asApproximateFloat", q("1.5Gi"))) == 1_610_612_736)
  #expect(double(call(quantityLib, "asApproximateFloat", q("1e400"))) == .infinity)
  let sub = call(quantityLib, "sub", q("50k"), .int(20000))
  #expect(double(call(quantityLib, "asApproximateFloat", sub)) == 30000)
}

// MARK: - IP

private let ipLib = IPLibrary.library
private func ip(_ s: String) -> CELValue { call(ipLib, "ip", .string(s)) }

@Test func ipParsingAndCanonicalForm() {
  #expect(text(ip("192.168.0.1")) == "192.168.0.1")
  #expect(text(ip("2001:DB8:0:0:0:0:0:68")) == "2001:db8::68")
  #expect(text(ip("2001:db8:0:1:0:0:0:1")) == "2001:db8:0:1::1")
  #expect(text(ip("1:0:0:2:0:0:0:3")) == "1:0:0:2::3")
  #expect(text(ip("1:0:0:2:3:0:0:4")) == "1::2:3:0:0:4")
  #expect(text(ip("1:2:3:4:5:6:7:0")) == "1:2:3:4:5:6:7:0")
  #expect(text(ip("::")) == "::")
  #expect(text(ip("::1.2.3.4")) == "::102:304")
  #expect(string(call(ipLib, "string", ip("192.168.0.1"))) == "192.168.0.1")
  #expect(bool(call(ipLib, "isIP", .string("2001:db8::68"))) == true)
  #expect(bool(call(ipLib, "isIP", .string("192.168.0.1.0"))) == false)
  #expect(bool(call(ipLib, "ip.isCanonical", .string("127.0.0.1"))) == true)
  #expect(bool(call(ipLib, "ip.isCanonical", .string("2001:DB8::68"))) == false)
  #expect(opaqueEqual(ip("2001:db8::1"), ip("2001:DB8::1")))
  #expect(!opaqueEqual(ip("::"), ip("::ffff")))
}

@Test func ipParseErrors() {
  #expect(
    errorMessage(ip("192.168.0.1.0"))
      == "IP Address \"192.168.0.1.0\" parse error during conversion from string: "
      + "ParseAddr(\"192.168.0.1.0\"): IPv4 address too long")
  #expect(
    errorMessage(ip("2001:db8:::68"))
      == "IP Address \"2001:db8:::68\" parse error during conversion from string: "
      + "ParseAddr(\"2001:db8:::68\"): each colon-separated field must have at least one "
      + "digit (at \":68\")")
  #expect(
    errorMessage(call(ipLib, "ip.isCanonical", .string("127.0.0.1.0")))?.hasSuffix(
      "IPv4 address too long") == true)
  #expect(
    errorMessage(ip("127.0.0.01"))?.hasSuffix("IPv4 field has octet with leading zero") == true)
  #expect(errorMessage(ip("256.0.0.1"))?.hasSuffix("IPv4 field has value >255") == true)
  #expect(errorMessage(ip("foo"))?.hasSuffix("unable to parse IP") == true)
  #expect(
    errorMessage(ip("fe80::1%eth0")) == "IP address \"fe80::1%eth0\" with zone value is not allowed"
  )
  #expect(
    errorMessage(ip("::ffff:192.168.0.1"))
      == "IPv4-mapped IPv6 address \"::ffff:192.168.0.1\" is not allowed")
}

@Test func ipProperties() {
  func check(_ f: String, _ s: String) -> Bool? { bool(call(ipLib, f, ip(s))) }
  #expect(int(call(ipLib, "family", ip("192.168.0.1"))) == 4)
  #expect(int(call(ipLib, "family", ip("::1"))) == 6)
  #expect(check("isUnspecified", "0.0.0.0") == true)
  #expect(check("isUnspecified", "::") == true)
  #expect(check("isUnspecified", "127.0.0.1") == false)
  #expect(check("isLoopback", "127.0.0.1") == true)
  #expect(check("isLoopback", "::1") == true)
  #expect(check("isLoopback", "2001:db8::abcd") == false)
  #expect(check("isLinkLocalMulticast", "224.0.0.1") == true)
  #expect(check("isLinkLocalMulticast", "224.0.1.1") == false)
  #expect(check("isLinkLocalMulticast", "ff02::1") == true)
  #expect(check("isLinkLocalMulticast", "fd00::1") == false)
  #expect(check("isLinkLocalUnicast", "169.254.169.254") == true)
  #expect(check("isLinkLocalUnicast", "192.168.0.1") == false)
  #expect(check("isLinkLocalUnicast", "fe80::1") == true)
  #expect(check("isLinkLocalUnicast", "fd80::1") == false)
  #expect(check("isGlobalUnicast", "192.168.0.1") == true)
  #expect(check("isGlobalUnicast", "255.255.255.255") == false)
  #expect(check("isGlobalUnicast", "2001:db8::abcd") == true)
  #expect(check("isGlobalUnicast", "ff00::1") == false)
}

// MARK: - CIDR

private let cidrLib = CIDRLibrary.library
private func cidr(_ s: String) -> CELValue { call(cidrLib, "cidr", .string(s)) }

@Test func cidrParsing() {
  #expect(text(cidr("192.168.0.0/24")) == "192.168.0.0/24")
  #expect(string(call(cidrLib, "string", cidr("2001:db8::/32"))) == "2001:db8::/32")
  #expect(bool(call(cidrLib, "isCIDR", .string("10.0.0.0/8"))) == true)
  #expect(bool(call(cidrLib, "isCIDR", .string("10.0.0.0/33"))) == false)
  let twice = "network address parse error during conversion from string: "
  #expect(
    errorMessage(cidr("192.168.0.0/"))
      == twice + twice + "netip.ParsePrefix(\"192.168.0.0/\"): bad bits after slash: \"\"")
  #expect(
    errorMessage(cidr("10.0.0.0/33"))
      == twice + twice + "netip.ParsePrefix(\"10.0.0.0/33\"): prefix length out of range")
  #expect(errorMessage(cidr("10.0.0.0/08"))?.hasSuffix("bad bits after slash: \"08\"") == true)
  #expect(errorMessage(cidr("10.0.0.0"))?.hasSuffix("no '/'") == true)
  #expect(
    errorMessage(cidr("fe80::1%en0/24"))?.hasSuffix("IPv6 zones cannot be present in a prefix")
      == true)
  #expect(
    errorMessage(cidr("::ffff:192.168.0.1/24"))
      == twice + "IPv4-mapped IPv6 address \"::ffff:192.168.0.1/24\" is not allowed")
}

@Test func cidrOperations() {
  func containsIP(_ c: String, _ arg: CELValue) -> CELValue {
    call(cidrLib, "containsIP", cidr(c), arg)
  }
  func containsCIDR(_ c: String, _ arg: CELValue) -> CELValue {
    call(cidrLib, "containsCIDR", cidr(c), arg)
  }
  #expect(bool(containsIP("192.168.0.0/24", ip("192.168.0.1"))) == true)
  #expect(bool(containsIP("192.168.0.0/24", ip("192.168.1.1"))) == false)
  #expect(bool(containsIP("192.168.0.0/24", .string("192.168.0.1"))) == true)
  #expect(bool(containsIP("2001:db8::/32", .string("2001:dc8::1"))) == false)
  #expect(bool(containsIP("192.168.1.1/32", ip("2001:db8::1"))) == false)
  #expect(bool(containsIP("0.0.0.0/0", ip("8.8.8.8"))) == true)
  #expect(errorMessage(containsIP("10.0.0.0/8", .string("bad")))?.hasPrefix("no such") == true)
  #expect(bool(containsCIDR("192.168.0.0/24", cidr("192.168.0.0/25"))) == true)
  #expect(bool(containsCIDR("192.168.0.0/24", cidr("192.168.0.0/23"))) == false)
  #expect(bool(containsCIDR("192.168.0.0/24", .string("192.168.0.0/25"))) == true)
  #expect(bool(containsCIDR("10.0.0.0/8", .string("10.0.0.0/8"))) == true)
  #expect(bool(containsCIDR("2001:db8::/32", cidr("2001:db8::/33"))) == true)
  #expect(bool(containsCIDR("10.0.0.0/8", .string("10.1.0.0/16"))) == false)  // as Kubernetes
  #expect(errorMessage(containsCIDR("10.0.0.0/8", .string("bad")))?.contains("no '/'") == true)
  #expect(text(call(cidrLib, "ip", cidr("192.168.0.1/24"))) == "192.168.0.1")
  #expect(text(call(cidrLib, "masked", cidr("192.168.0.1/24"))) == "192.168.0.0/24")
  #expect(text(call(cidrLib, "masked", cidr("2001:db8:1::/32"))) == "2001:db8::/32")
  #expect(int(call(cidrLib, "prefixLength", cidr("::1/128"))) == 128)
  #expect(opaqueEqual(call(cidrLib, "masked", cidr("192.168.0.1/24")), cidr("192.168.0.0/24")))
  #expect(!opaqueEqual(cidr("192.168.0.1/24"), cidr("192.168.0.0/24")))
}

// MARK: - URL

private let urlLib = URLLibrary.library
private func url(_ s: String) -> CELValue { call(urlLib, "url", .string(s)) }
private func get(_ f: String, _ s: String) -> String? { string(call(urlLib, f, url(s))) }

@Test func urlGetters() {
  #expect(get("getScheme", "/path") == "")
  #expect(get("getScheme", "HTTPS://example.com/") == "https")
  #expect(get("getHost", "https://example.com:80/") == "example.com:80")
  #expect(get("getHost", "https://[::1]:80/") == "[::1]:80")
  #expect(get("getHost", "https://[::1]/") == "[::1]")
  #expect(get("getHost", "/path") == "")
  #expect(get("getHostname", "https://example.com:80/") == "example.com")
  #expect(get("getHostname", "https://127.0.0.1:80/") == "127.0.0.1")
  #expect(get("getHostname", "https://[::1]:80/") == "::1")
  #expect(get("getPort", "https://example.com:80/") == "80")
  #expect(get("getPort", "https://example.com/") == "")
  #expect(get("getEscapedPath", "https://example.com/path") == "/path")
  #expect(
    get("getEscapedPath", "https://example.com/path with spaces/") == "/path%20with%20spaces/")
  #expect(get("getEscapedPath", "https://example.com/a%2Fb") == "/a%2Fb")
  #expect(get("getEscapedPath", "https://example.com") == "")
  #expect(
    text(url("https://user:pw@example.com/a b?x=1#frag"))
      == "https://user:pw@example.com/a%20b?x=1#frag")
}

@Test func urlQuery() {
  func query(_ s: String) -> [(String, [String])] {
    guard case .map(let m) = call(urlLib, "getQuery", url(s)) else { return [] }
    return m.map { entry in
      guard case .string(let k) = entry.key, case .list(let vs) = entry.value else {
        return ("", [])
      }
      return (k, vs.compactMap(string))
    }
  }
  let q = query("https://example.com/path?k1=a&k2=b&k2=c")
  #expect(q.map(\.0) == ["k1", "k2"])
  #expect(q.map(\.1) == [["a"], ["b", "c"]])
  let spaced = query("https://example.com/path?key with spaces=value with spaces")
  #expect(spaced.map(\.0) == ["key with spaces"])
  #expect(spaced.map(\.1) == [["value with spaces"]])
  #expect(query("https://example.com/path?a=1+2&b=%zz&c;d=3").map(\.1) == [["1 2"]])
  #expect(query("https://example.com/path?").isEmpty)
  #expect(query("https://example.com/path").isEmpty)
}

@Test func urlValidation() {
  #expect(bool(call(urlLib, "isURL", .string("https://example.com/"))) == true)
  #expect(bool(call(urlLib, "isURL", .string("/absolute-path"))) == true)
  #expect(bool(call(urlLib, "isURL", .string("../relative-path"))) == false)
  #expect(bool(call(urlLib, "isURL", .string("https://a:b:c/"))) == false)
  #expect(bool(call(urlLib, "isURL", .string("https://example.com:80/path?k=v#anchor"))) == true)
  #expect(
    errorMessage(url("example.com"))
      == "URL parse error during conversion from string: parse \"example.com\": "
      + "invalid URI for request")
  #expect(
    errorMessage(url("https://example.com:8a/"))
      == "URL parse error during conversion from string: parse \"https://example.com:8a/\": "
      + "invalid port \":8a\" after host")
  #expect(errorMessage(url(""))?.hasSuffix("empty url") == true)
  #expect(
    errorMessage(url("https://exa%zzmple.com"))?.hasSuffix("invalid URL escape \"%zz\"") == true)
  #expect(opaqueEqual(url("https://example.com/a%20b"), url("https://example.com/a b")))
  #expect(!opaqueEqual(url("https://example.com/a"), url("https://example.com/b")))
}

// MARK: - Semver

private let semverLib = SemverLibrary.library
private func semver(_ s: String, _ normalize: Bool? = nil) -> CELValue {
  if let normalize { return call(semverLib, "semver", .string(s), .bool(normalize)) }
  return call(semverLib, "semver", .string(s))
}

@Test func semverParsing() {
  #expect(text(semver("1.2.3-alpha.1+build.5")) == "1.2.3-alpha.1+build.5")
  #expect(int(call(semverLib, "major", semver("1.2.3"))) == 1)
  #expect(int(call(semverLib, "minor", semver("1.2.3"))) == 2)
  #expect(int(call(semverLib, "patch", semver("1.2.3"))) == 3)
  #expect(bool(call(semverLib, "isSemver", .string("1.0.0"))) == true)
  #expect(bool(call(semverLib, "isSemver", .string("hello"))) == false)
  #expect(bool(call(semverLib, "isSemver", .string("v1.0"))) == false)
  #expect(bool(call(semverLib, "isSemver", .string("v1.0"), .bool(true))) == true)
  #expect(text(semver("v01.02", true)) == "1.2.0")
  #expect(text(semver("01.01.01", true)) == "1.1.1")
  #expect(errorMessage(semver("1.0")) == "No Major.Minor.Patch elements found")
  #expect(errorMessage(semver("")) == "Version string empty")
  #expect(errorMessage(semver("01.0.0")) == "Major number must not contain leading zeroes \"01\"")
  #expect(errorMessage(semver("1.x.0")) == "Invalid character(s) found in minor number \"x\"")
  #expect(
    errorMessage(semver("1.0.0-01"))
      == "Numeric PreRelease version must not contain leading zeroes \"01\"")
  #expect(errorMessage(semver("1.0.0-a..b")) == "Prerelease is empty")
  #expect(errorMessage(semver("1.0.0+")) == "Build meta data is empty")
  #expect(
    errorMessage(semver("1.0-rc", true))
      == "short version cannot contain PreRelease/Build meta data")
}

@Test func semverPrecedence() {
  func cmp(_ a: String, _ b: String) -> Int64? {
    int(call(semverLib, "compareTo", semver(a), semver(b)))
  }
  #expect(cmp("1.2.3", "1.2.3") == 0)
  #expect(cmp("1.2.3", "2.0.0") == -1)
  #expect(cmp("1.2.3", "0.1.2") == 1)
  #expect(cmp("1.0.0-alpha", "1.0.0") == -1)
  #expect(cmp("1.0.0-alpha", "1.0.0-alpha.1") == -1)
  #expect(cmp("1.0.0-alpha.1", "1.0.0-alpha.beta") == -1)
  #expect(cmp("1.0.0-beta.2", "1.0.0-beta.11") == -1)
  #expect(cmp("1.0.0-rc.1", "1.0.0-beta.11") == 1)
  #expect(cmp("1.0.0+a", "1.0.0+b") == 0)
  #expect(opaqueEqual(semver("1.0.0+a"), semver("1.0.0")))
  #expect(bool(call(semverLib, "isGreaterThan", semver("2.0.0"), semver("1.9.9"))) == true)
  #expect(bool(call(semverLib, "isLessThan", semver("2.0.0"), semver("1.9.9"))) == false)
}

// MARK: - Format

private let formatLib = FormatLibrary.library
private func validate(_ format: String, _ s: String) -> [String]? {
  let f = call(formatLib, "format." + format)
  switch call(formatLib, "validate", f, .string(s)) {
  case .optional(nil): return []
  case .optional(.some(.list(let l))): return l.compactMap(string)
  default: return nil
  }
}

@Test func formatNamedAndValidate() {
  guard case .optional(.some(let named)) = call(formatLib, "format.named", .string("uuid")) else {
    Issue.record("format.named('uuid') is not present")
    return
  }
  #expect(opaqueEqual(named, call(formatLib, "format.uuid")))
  #expect(!opaqueEqual(named, call(formatLib, "format.byte")))
  if case .optional(nil) = call(formatLib, "format.named", .string("unknown")) {
  } else {
    Issue.record("format.named('unknown') should be none")
  }
  #expect(validate("dns1123Label", "my-label-name") == [])
  #expect(validate("dns1123Label", "My_Label")?.count == 1)
  #expect(validate("dns1123Label", "a.b") == ["must not contain dots"])
  #expect(validate("dns1123Subdomain", "apiextensions.k8s.io") == [])
  #expect(validate("dns1035Label", "1abc")?.first?.hasPrefix("a DNS-1035 label") == true)
  #expect(validate("qualifiedName", "apiextensions.k8s.io/v1beta1") == [])
  #expect(validate("dns1123LabelPrefix", "my-label-prefix-") == [])
  #expect(validate("dns1123Label", "my-label-prefix-")?.isEmpty == false)
  #expect(validate("dns1035LabelPrefix", "my-label-prefix-") == [])
  #expect(validate("labelValue", "") == [])
  #expect(validate("labelValue", "-bad")?.isEmpty == false)
  #expect(validate("uri", "http://example.com") == [])
  #expect(validate("uri", "example") == ["parse \"example\": invalid URI for request"])
  #expect(validate("uuid", "123e4567-e89b-12d3-a456-426614174000") == [])
  #expect(validate("uuid", "123E4567E89B12D3A456426614174000") == [])
  #expect(
    validate("uuid", "123e4567-e89b-12d3-a456-42661417400") == ["does not match the UUID format"])
  #expect(validate("byte", "aGVsbG8=") == [])
  #expect(validate("byte", "aGVsbG8") == ["invalid base64"])
  #expect(validate("byte", "") == ["invalid base64"])
  #expect(validate("date", "2021-01-01") == [])
  #expect(validate("date", "2020-02-29") == [])
  #expect(validate("date", "2021-02-29") == ["invalid date"])
  #expect(validate("date", "2021-1-01") == ["invalid date"])
  #expect(validate("datetime", "2021-01-01T00:00:00Z") == [])
  #expect(validate("datetime", "2021-01-01T23:59:59.123+02:00") == [])
  #expect(validate("datetime", "2021-01-01T24:00:00Z") == ["invalid datetime"])
  #expect(validate("datetime", "2021-01-01 00:00:00Z") == ["invalid datetime"])
}
