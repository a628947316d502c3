/// A URL, the CEL type `kubernetes.URL`, parsed as Go's `net/url` parses it (Kubernetes'
/// URL library validates with `url.ParseRequestURI`, then parses with `url.Parse`).
///
/// Components are kept as bytes, as Go keeps them (unescaping may produce any bytes).
public struct KubernetesURL: CELOpaqueValue {
  public private(set) var scheme = ""
  var opaque: [UInt8] = []
  var user: (username: [UInt8], password: [UInt8]?)?
  var host: [UInt8] = []
  var path: [UInt8] = []
  var rawPath: [UInt8] = []
  var omitHost = false
  var forceQuery = false
  var rawQuery: [UInt8] = []
  var fragment: [UInt8] = []
  var rawFragment: [UInt8] = []

  public var typeName: String { "kubernetes.URL" }

  init() {}

  /// Parses `text` as Kubernetes' `url(string)` does: it must be an absolute URI or an
  /// absolute path. Errors carry Kubernetes' message.
  public init(parsing text: String) throws(CELError) {
    let prefix = "URL parse error during conversion from string: "
    if let error = Self.requestURIError(text) { throw CELError(prefix + error.message) }
    let bytes = Array(text.utf8)
    let hash = bytes.firstIndex(of: UInt8(ascii: "#"))
    let base = Array(bytes[..<(hash ?? bytes.count)])
    do {
      self = try Self.parse(base, viaRequest: false)
    } catch {
      throw CELError(prefix + Self.urlError(base, error.message))
    }
    if let hash, hash + 1 < bytes.count {
      let frag = Array(bytes[(hash + 1)...])
      do {
        fragment = try Self.unescape(frag, .fragment)
      } catch {
        throw CELError(prefix + Self.urlError(bytes, error.message))
      }
      rawFragment = Self.escape(fragment, .fragment) == frag ? [] : frag
    }
  }

  /// The error Go's `url.ParseRequestURI` reports for `text` (`parse "x": ...`), or nil
  /// when it accepts it.
  public static func requestURIError(_ text: String) -> CELError? {
    let bytes = Array(text.utf8)
    do {
      _ = try parse(bytes, viaRequest: true)
      return nil
    } catch {
      return CELError(urlError(bytes, error.message))
    }
  }

  private static func urlError(_ url: [UInt8], _ message: String) -> String {
    "parse \(GoQuote.quote(String(decoding: url, as: UTF8.self))): \(message)"
  }

  // MARK: - Accessors

  /// The host with any port (`example.com:80`, `[::1]:80`).
  public var hostWithPort: String { String(decoding: host, as: UTF8.self) }

  /// The host without port or IPv6 brackets.
  public var hostname: String {
    let (h, _) = Self.splitHostPort(host)
    return String(decoding: h, as: UTF8.self)
  }

  /// The port, or "".
  public var port: String {
    let (_, p) = Self.splitHostPort(host)
    return String(decoding: p, as: UTF8.self)
  }

  /// The path as escaped in the URL (Go's `EscapedPath`).
  public var escapedPath: String { String(decoding: escapedPathBytes, as: UTF8.self) }

  var escapedPathBytes: [UInt8] {
    if !rawPath.isEmpty && Self.validEncoded(rawPath, .path),
      let p = try? Self.unescape(rawPath, .path), p == path
    {
      return rawPath
    }
    if path == [UInt8(ascii: "*")] { return path }
    return Self.escape(path, .path)
  }

  /// The query parameters in order of first appearance (Go's `Query()`: malformed pairs
  /// and pairs with `;` are skipped).
  public var queryParameters: [(key: String, values: [String])] {
    var result: [(key: String, values: [String])] = []
    var index: [String: Int] = [:]
    for pair in rawQuery.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
      if pair.contains(UInt8(ascii: ";")) { continue }
      let eq = pair.firstIndex(of: UInt8(ascii: "="))
      let rawKey = Array(pair[..<(eq ?? pair.endIndex)])
      let rawValue = eq.map { Array(pair[pair.index(after: $0)...]) } ?? []
      guard let k = try? Self.unescape(rawKey, .queryComponent),
        let v = try? Self.unescape(rawValue, .queryComponent)
      else { continue }
      let key = String(decoding: k, as: UTF8.self)
      let value = String(decoding: v, as: UTF8.self)
      if let i = index[key] {
        result[i].values.append(value)
      } else {
        index[key] = result.count
        result.append((key, [value]))
      }
    }
    return result
  }

  // MARK: - CELOpaqueValue

  /// Equal serializations, as Kubernetes compares URLs.
  public func isEqual(to other: any CELOpaqueValue) -> Bool {
    guard let u = other as? KubernetesURL else { return false }
    return u.description == description
  }

  /// Go's `URL.String()`.
  public var description: String {
    var buf: [UInt8] = []
    if !scheme.isEmpty {
      buf += scheme.utf8
      buf.append(UInt8(ascii: ":"))
    }
    if !opaque.isEmpty {
      buf += opaque
    } else {
      if !scheme.isEmpty || !host.isEmpty || user != nil {
        if !(omitHost && host.isEmpty && user == nil) {
          if !host.isEmpty || !path.isEmpty || user != nil { buf += "//".utf8 }
          if let user {
            buf += Self.escape(user.username, .userPassword)
            if let password = user.password {
              buf.append(UInt8(ascii: ":"))
              buf += Self.escape(password, .userPassword)
            }
            buf.append(UInt8(ascii: "@"))
          }
          if !host.isEmpty { buf += Self.escape(host, .host) }
        }
      }
      let p = escapedPathBytes
      if let first = p.first, first != UInt8(ascii: "/"), !host.isEmpty {
        buf.append(UInt8(ascii: "/"))
      }
      if buf.isEmpty {
        let segment =
          p.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
          .first ?? []
        if segment.contains(UInt8(ascii: ":")) { buf += "./".utf8 }
      }
      buf += p
    }
    if forceQuery || !rawQuery.isEmpty {
      buf.append(UInt8(ascii: "?"))
      buf += rawQuery
    }
    if !fragment.isEmpty {
      buf.append(UInt8(ascii: "#"))
      if !rawFragment.isEmpty && Self.validEncoded(rawFragment, .fragment),
        let f = try? Self.unescape(rawFragment, .fragment), f == fragment
      {
        buf += rawFragment
      } else {
        buf += Self.escape(fragment, .fragment)
      }
    }
    return String(decoding: buf, as: UTF8.self)
  }

  // MARK: - Parsing (Go's net/url)

  enum Encoding {
    case path, pathSegment, host, zone, userPassword, queryComponent, fragment
  }

  private static func isAlnum(_ c: UInt8) -> Bool {
    (c &- 0x30) < 10 || (c &- 0x41) < 26 || (c &- 0x61) < 26
  }

  /// Go's `parse(rawURL, viaRequest)`; errors carry the inner message.
  private static func parse(_ raw: [UInt8], viaRequest: Bool) throws(CELError) -> KubernetesURL {
    if raw.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
      throw CELError("net/url: invalid control character in URL")
    }
    if raw.isEmpty && viaRequest { throw CELError("empty url") }
    var url = KubernetesURL()
    if raw == [UInt8(ascii: "*")] {
      url.path = raw
      return url
    }
    // Scheme.
    var rest = raw[...]
    schemeLoop: for (i, c) in raw.enumerated() {
      switch c {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
        continue
      case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"),
        UInt8(ascii: "."):
        if i == 0 { break schemeLoop }
      case UInt8(ascii: ":"):
        if i == 0 { throw CELError("missing protocol scheme") }
        url.scheme = String(decoding: raw[..<i], as: UTF8.self).lowercased()
        rest = raw[(i + 1)...]
        break schemeLoop
      default:
        break schemeLoop
      }
    }
    // Query.
    let questionMarks = rest.lazy.filter { $0 == UInt8(ascii: "?") }.count
    if rest.last == UInt8(ascii: "?") && questionMarks == 1 {
      url.forceQuery = true
      rest = rest.dropLast()
    } else if let q = rest.firstIndex(of: UInt8(ascii: "?")) {
      url.rawQuery = Array(rest[(q + 1)...])
      rest = rest[..<q]
    }
    let slash = UInt8(ascii: "/")
    if rest.first != slash {
      if !url.scheme.isEmpty {
        url.opaque = Array(rest)
        return url
      }
      if viaRequest { throw CELError("invalid URI for request") }
      let segment = rest.split(separator: slash, omittingEmptySubsequences: false).first ?? []
      if segment.contains(UInt8(ascii: ":")) {
        throw CELError("first path segment in URL cannot contain colon")
      }
    }
    let startsDouble = rest.count >= 2 && rest.first == slash && rest.dropFirst().first == slash
    let startsTriple = startsDouble && rest.count >= 3 && rest.dropFirst(2).first == slash
    if (!url.scheme.isEmpty || !viaRequest && !startsTriple) && startsDouble {
      var authority = rest.dropFirst(2)
      rest = rest[rest.endIndex...]
      if let i = authority.firstIndex(of: slash) {
        rest = authority[i...]
        authority = authority[..<i]
      }
      try url.parseAuthority(Array(authority))
    } else if !url.scheme.isEmpty && rest.first == slash {
      url.omitHost = true
    }
    let p = Array(rest)
    url.path = try unescape(p, .path)
    url.rawPath = escape(url.path, .path) == p ? [] : p
    return url
  }

  private mutating func parseAuthority(_ authority: [UInt8]) throws(CELError) {
    let at = authority.lastIndex(of: UInt8(ascii: "@"))
    host = try Self.parseHost(Array(authority[((at.map { $0 + 1 }) ?? 0)...]))
    guard let at else { return }
    let info = authority[..<at]
    guard Self.validUserinfo(info) else { throw CELError("net/url: invalid userinfo") }
    if let colon = info.firstIndex(of: UInt8(ascii: ":")) {
      user = (
        try Self.unescape(Array(info[..<colon]), .userPassword),
        try Self.unescape(Array(info[(colon + 1)...]), .userPassword)
      )
    } else {
      user = (try Self.unescape(Array(info), .userPassword), nil)
    }
  }

  private static func validUserinfo(_ s: ArraySlice<UInt8>) -> Bool {
    s.allSatisfy { c in
      if isAlnum(c) { return true }
      return "-._:~!$&'()*+,;=%@".utf8.contains(c)
    }
  }

  private static func parseHost(_ host: [UInt8]) throws(CELError) -> [UInt8] {
    if host.first == UInt8(ascii: "[") {
      guard let close = host.lastIndex(of: UInt8(ascii: "]")) else {
        throw CELError("missing ']' in host")
      }
      let colonPort = host[(close + 1)...]
      if !validOptionalPort(colonPort) {
        throw CELError(
          "invalid port \(GoQuote.quote(String(decoding: colonPort, as: UTF8.self))) after host")
      }
      if let zone = firstIndex(of: Array("%25".utf8), in: host[..<close]) {
        let h1 = try unescape(Array(host[..<zone]), .host)
        let h2 = try unescape(Array(host[zone..<close]), .zone)
        let h3 = try unescape(Array(host[close...]), .host)
        return h1 + h2 + h3
      }
    } else if let colon = host.lastIndex(of: UInt8(ascii: ":")) {
      let colonPort = host[colon...]
      if !validOptionalPort(colonPort) {
        throw CELError(
          "invalid port \(GoQuote.quote(String(decoding: colonPort, as: UTF8.self))) after host")
      }
    }
    return try unescape(host, .host)
  }

  private static func firstIndex(of needle: [UInt8], in hay: ArraySlice<UInt8>) -> Int? {
    guard hay.count >= needle.count else { return nil }
    var i = hay.startIndex
    while i + needle.count <= hay.endIndex {
      if hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
      i += 1
    }
    return nil
  }

  private static func validOptionalPort(_ port: ArraySlice<UInt8>) -> Bool {
    guard let first = port.first else { return true }
    if first != UInt8(ascii: ":") { return false }
    return port.dropFirst().allSatisfy { ($0 &- 0x30) < 10 }
  }

  private static func splitHostPort(_ hostPort: [UInt8]) -> (ArraySlice<UInt8>, ArraySlice<UInt8>) {
    var host = hostPort[...]
    var port = hostPort[hostPort.endIndex...]
    if let colon = host.lastIndex(of: UInt8(ascii: ":")), validOptionalPort(host[colon...]) {
      port = host[(colon + 1)...]
      host = host[..<colon]
    }
    if host.first == UInt8(ascii: "["), host.last == UInt8(ascii: "]"), host.count >= 2 {
      host = host.dropFirst().dropLast()
    }
    return (host, port)
  }

  // MARK: - Escaping (Go's net/url)

  static func shouldEscape(_ c: UInt8, _ mode: Encoding) -> Bool {
    if isAlnum(c) { return false }
    if mode == .host || mode == .zone {
      switch c {
      case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"),
        UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"),
        UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: ":"),
        UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "<"), UInt8(ascii: ">"),
        UInt8(ascii: "\""):
        return false
      default: break
      }
    }
    switch c {
    case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
      return false
    case UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "+"), UInt8(ascii: ","),
      UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "="),
      UInt8(ascii: "?"), UInt8(ascii: "@"):
      switch mode {
      case .path: return c == UInt8(ascii: "?")
      case .pathSegment:
        return c == UInt8(ascii: "/") || c == UInt8(ascii: ";") || c == UInt8(ascii: ",")
          || c == UInt8(ascii: "?")
      case .userPassword:
        return c == UInt8(ascii: "@") || c == UInt8(ascii: "/") || c == UInt8(ascii: "?")
          || c == UInt8(ascii: ":")
      case .queryComponent: return true
      case .fragment: return false
      case .host, .zone: break
      }
    default: break
    }
    if mode == .fragment {
      switch c {
      case UInt8(ascii: "!"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"):
        return false
      default: break
      }
    }
    return true
  }

  private static func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
    default: return nil
    }
  }

  private static func escapeError(_ s: ArraySlice<UInt8>) -> CELError {
    CELError("invalid URL escape " + GoQuote.quote(String(decoding: s, as: UTF8.self)))
  }

  /// Go's `unescape`.
  static func unescape(_ s: [UInt8], _ mode: Encoding) throws(CELError) -> [UInt8] {
    var percents = 0
    var hasPlus = false
    var i = 0
    while i < s.count {
      let c = s[i]
      if c == UInt8(ascii: "%") {
        percents += 1
        guard i + 2 < s.count, let hi = hexValue(s[i + 1]), let lo = hexValue(s[i + 2]) else {
          throw escapeError(s[i..<min(i + 3, s.count)])
        }
        let isPercent25 = hi == 2 && lo == 5
        if mode == .host && hi < 8 && !isPercent25 { throw escapeError(s[i..<(i + 3)]) }
        if mode == .zone {
          let v = hi << 4 | lo
          if !isPercent25 && v != UInt8(ascii: " ") && shouldEscape(v, .host) {
            throw escapeError(s[i..<(i + 3)])
          }
        }
        i += 3
      } else if c == UInt8(ascii: "+") {
        hasPlus = mode == .queryComponent
        i += 1
      } else {
        if (mode == .host || mode == .zone) && c < 0x80 && shouldEscape(c, mode) {
          throw CELError(
            "invalid character \(GoQuote.quote(String(decoding: [c], as: UTF8.self))) "
              + "in host name")
        }
        i += 1
      }
    }
    if percents == 0 && !hasPlus { return s }
    var out: [UInt8] = []
    out.reserveCapacity(s.count)
    i = 0
    while i < s.count {
      let c = s[i]
      if c == UInt8(ascii: "%"), let hi = hexValue(s[i + 1]), let lo = hexValue(s[i + 2]) {
        out.append(hi << 4 | lo)
        i += 3
        continue
      }
      out.append(c == UInt8(ascii: "+") && mode == .queryComponent ? UInt8(ascii: " ") : c)
      i += 1
    }
    return out
  }

  /// Go's `escape`.
  static func escape(_ s: [UInt8], _ mode: Encoding) -> [UInt8] {
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(s.count)
    for c in s {
      if c == UInt8(ascii: " ") && mode == .queryComponent {
        out.append(UInt8(ascii: "+"))
      } else if shouldEscape(c, mode) {
        out += [UInt8(ascii: "%"), hex[Int(c >> 4)], hex[Int(c & 15)]]
      } else {
        out.append(c)
      }
    }
    return out
  }

  /// Go's `validEncoded`.
  private static func validEncoded(_ s: [UInt8], _ mode: Encoding) -> Bool {
    s.allSatisfy { c in
      if "!$&'()*+,;=:@[]%".utf8.contains(c) { return true }
      return !shouldEscape(c, mode)
    }
  }
}
