/// The host and port a remote URL connects to, for `known_hosts` checks.
struct RemoteEndpoint: Sendable, Hashable {
  var host: String
  var port: Int

  init(host: String, port: Int) {
    self.host = host
    self.port = port
  }

  /// Parses `scheme://[user@]host[:port]/path` and scp-like `user@host:path`; nil for local
  /// paths and `file://`.
  init?(url: String) {
    var rest: Substring
    var defaultPort = 22
    if let schemeEnd = url.range(of: "://") {
      let scheme = url[..<schemeEnd.lowerBound].lowercased()
      switch scheme {
      case "file": return nil
      case "http": defaultPort = 80
      case "https": defaultPort = 443
      case "git": defaultPort = 9418
      default: defaultPort = 22
      }
      rest = url[schemeEnd.upperBound...]
      rest = rest.prefix(while: { $0 != "/" })
    } else if let colon = url.firstIndex(of: ":"), !url[..<colon].contains("/") {
      rest = url[..<colon]  // scp-like: the port cannot be given
    } else {
      return nil
    }
    if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
    var port = defaultPort
    if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
      let after = rest[rest.index(after: close)...]
      if after.hasPrefix(":"), let value = Int(after.dropFirst()) { port = value }
      rest = rest[rest.index(after: rest.startIndex)..<close]
    } else if let colon = rest.lastIndex(of: ":"),
      let value = Int(rest[rest.index(after: colon)...])
    {
      port = value
      rest = rest[..<colon]
    }
    guard !rest.isEmpty else { return nil }
    host = String(rest)
    self.port = port
  }
}
