/// Removes credentials from text that may be shown to users: the `user:password@` part of
/// every URL (`https://alice:s3cret@host/x` → `https://host/x`) and any known secret.
public enum GitRedaction {
  /// Returns `text` with URL user-info removed and every non-empty secret (and its
  /// percent-encoded form) replaced by `***`.
  public static func scrub(_ text: String, secrets: [String] = []) -> String {
    var result = scrubURLs(text)
    for secret in secrets where !secret.isEmpty {
      result = result.replacingAll(secret, with: "***")
      let encoded = percentEncoded(secret)
      if encoded != secret { result = result.replacingAll(encoded, with: "***") }
    }
    return result
  }

  /// Removes the user-info of every `scheme://user-info@host` occurrence in `text`.
  public static func scrubURLs(_ text: String) -> String {
    let bytes = Array(text.utf8)
    guard bytes.count >= 3 else { return text }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var i = 0
    while i < bytes.count {
      if i + 2 < bytes.count, bytes[i] == UInt8(ascii: ":"), bytes[i + 1] == UInt8(ascii: "/"),
        bytes[i + 2] == UInt8(ascii: "/")
      {
        out.append(contentsOf: bytes[i..<(i + 3)])
        i += 3
        // The authority runs to the first '/', '?', '#', whitespace or quote.
        var end = i
        var lastAt = -1
        while end < bytes.count, !isAuthorityEnd(bytes[end]) {
          if bytes[end] == UInt8(ascii: "@") { lastAt = end }
          end += 1
        }
        let hostStart = lastAt >= 0 ? lastAt + 1 : i
        out.append(contentsOf: bytes[hostStart..<end])
        i = end
        continue
      }
      out.append(bytes[i])
      i += 1
    }
    return String(decoding: out, as: UTF8.self)
  }

  private static func isAuthorityEnd(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: " "),
      UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "'"),
      UInt8(ascii: "\""), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "`"):
      return true
    default:
      return false
    }
  }

  private static func percentEncoded(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
        UInt8(ascii: "_"), UInt8(ascii: "~"):
        out.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        let hex = Array("0123456789ABCDEF".utf8)
        out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 15)]], as: UTF8.self)
      }
    }
    return out
  }
}

extension String {
  /// Replaces every occurrence of `target` (non-empty) without Foundation.
  fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
    let haystack = Array(utf8)
    let needle = Array(target.utf8)
    guard !needle.isEmpty, haystack.count >= needle.count else { return self }
    var out: [UInt8] = []
    out.reserveCapacity(haystack.count)
    var i = 0
    while i < haystack.count {
      if i + needle.count <= haystack.count, haystack[i] == needle[0],
        haystack[i..<(i + needle.count)].elementsEqual(needle)
      {
        out.append(contentsOf: replacement.utf8)
        i += needle.count
      } else {
        out.append(haystack[i])
        i += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}
