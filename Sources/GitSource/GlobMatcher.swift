/// fnmatch-style matching of one path segment: `*` (any run), `?` (one character),
/// `[abc]`, `[a-z]`, `[!a-z]` / `[^a-z]` classes and `\` escapes. Works on bytes, so
/// multi-byte UTF-8 characters match `*` but `?` matches a single byte.
enum GlobMatcher {
  static func matches(_ pattern: String, _ text: String) -> Bool {
    matches(Array(pattern.utf8), Array(text.utf8))
  }

  static func matches(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
    var p = 0
    var t = 0
    var starP = -1
    var starT = 0
    while t < text.count {
      if p < pattern.count {
        let c = pattern[p]
        if c == UInt8(ascii: "*") {
          starP = p
          starT = t
          p += 1
          continue
        }
        if let next = matchOne(pattern, p, text[t]) {
          p = next
          t += 1
          continue
        }
      }
      guard starP >= 0 else { return false }
      p = starP + 1
      starT += 1
      t = starT
    }
    while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
    return p == pattern.count
  }

  /// Matches one text byte at pattern position `p`; returns the next pattern position.
  private static func matchOne(_ pattern: [UInt8], _ p: Int, _ byte: UInt8) -> Int? {
    let c = pattern[p]
    switch c {
    case UInt8(ascii: "?"):
      return p + 1
    case UInt8(ascii: "\\"):
      guard p + 1 < pattern.count else { return byte == c ? p + 1 : nil }
      return pattern[p + 1] == byte ? p + 2 : nil
    case UInt8(ascii: "["):
      guard let (matched, next) = matchClass(pattern, p, byte) else {
        return byte == c ? p + 1 : nil  // an unterminated '[' is literal
      }
      return matched ? next : nil
    default:
      return c == byte ? p + 1 : nil
    }
  }

  /// Parses the class starting at `p` ('['); nil if unterminated.
  private static func matchClass(_ pattern: [UInt8], _ start: Int, _ byte: UInt8) -> (Bool, Int)? {
    var i = start + 1
    var negated = false
    if i < pattern.count, pattern[i] == UInt8(ascii: "!") || pattern[i] == UInt8(ascii: "^") {
      negated = true
      i += 1
    }
    var matched = false
    var first = true
    while i < pattern.count {
      var low = pattern[i]
      if low == UInt8(ascii: "]"), !first { return (matched != negated, i + 1) }
      first = false
      if low == UInt8(ascii: "\\"), i + 1 < pattern.count {
        i += 1
        low = pattern[i]
      }
      var high = low
      if i + 2 < pattern.count, pattern[i + 1] == UInt8(ascii: "-"),
        pattern[i + 2] != UInt8(ascii: "]")
      {
        high = pattern[i + 2]
        i += 2
      }
      if low <= byte && byte <= high { matched = true }
      i += 1
    }
    return nil
  }
}
