import Foundation

/// Parsed OpenSSH `known_hosts` text: which host keys are trusted for which hosts.
///
/// Supported: plain host patterns (`host`, `host1,host2`, `[host]:port`, `*` and `?`
/// wildcards, `!` negation), hashed entries (`|1|salt|hash`, as `ssh-keygen -H` writes) and
/// `@revoked` markers. `@cert-authority` lines are skipped.
struct KnownHosts: Sendable {
  struct Entry: Sendable {
    var patterns: [String]
    var keyType: String
    var key: [UInt8]
    var revoked: Bool
  }

  var entries: [Entry]

  init(text: String) {
    var entries: [Entry] = []
    for rawLine in text.split(whereSeparator: \.isNewline) {
      var fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
      guard let first = fields.first, !first.hasPrefix("#") else { continue }
      var revoked = false
      if first.hasPrefix("@") {
        guard first == "@revoked" else { continue }
        revoked = true
        fields.removeFirst()
      }
      guard fields.count >= 3,
        let key = Data(base64Encoded: fields[2])
      else { continue }
      entries.append(
        Entry(
          patterns: fields[0].split(separator: ",").map(String.init), keyType: fields[1],
          key: Array(key), revoked: revoked))
    }
    self.entries = entries
  }

  /// Whether `key` (the SSH wire-format public key blob) is trusted for `host` on `port`.
  func trusts(host: String, port: Int, key: [UInt8]) -> Bool {
    let name = port == 22 ? host : "[\(host)]:\(port)"
    let matching = entries.filter { entry in Self.hostMatches(name, patterns: entry.patterns) }
    if matching.contains(where: { $0.revoked && $0.key == key }) { return false }
    return matching.contains { !$0.revoked && $0.key == key }
  }

  static func hostMatches(_ name: String, patterns: [String]) -> Bool {
    if patterns.count == 1, patterns[0].hasPrefix("|1|") {
      return hashedMatches(name, entry: patterns[0])
    }
    var matched = false
    for pattern in patterns.map({ $0.lowercased() }) {
      // `[host]:port` is literal, not a character class; wildcards apply to the host part.
      if pattern.hasPrefix("[") || pattern.hasPrefix("![") {
        let negated = pattern.hasPrefix("!")
        let body = negated ? String(pattern.dropFirst()) : pattern
        let escaped = body.replacingOccurrences(of: "[", with: "\\[")
          .replacingOccurrences(of: "]", with: "\\]")
        if GlobMatcher.matches(escaped, name.lowercased()) {
          if negated { return false }
          matched = true
        }
        continue
      }
      if pattern.hasPrefix("!") {
        if GlobMatcher.matches(String(pattern.dropFirst()), name.lowercased()) { return false }
      } else if GlobMatcher.matches(pattern.lowercased(), name.lowercased()) {
        matched = true
      }
    }
    return matched
  }

  /// `|1|base64(salt)|base64(HMAC-SHA1(salt, host))`.
  static func hashedMatches(_ name: String, entry: String) -> Bool {
    let parts = entry.split(separator: "|", omittingEmptySubsequences: false)
    guard parts.count == 4, let salt = Data(base64Encoded: String(parts[2])),
      let expected = Data(base64Encoded: String(parts[3]))
    else { return false }
    return SHA1.hmac(key: Array(salt), message: Array(name.lowercased().utf8)) == Array(expected)
  }
}
