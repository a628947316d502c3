/// The head of an HTTP/1.1 GET read straight off the wire, for `DirectGetWireHandler`.
///
/// It is parsed only when it is unambiguous: the request line exactly `GET target
/// HTTP/1.1`, a target of visible ASCII, every header line `name: value` with a token for
/// its name and visible ASCII, spaces and tabs for its value, each line ended by CRLF. No
/// folded lines, bare CR or LF, control characters or bytes beyond ASCII. Anything else is
/// `.other` and goes to NIO's HTTP decoder, which then decides for the whole connection.
struct WireGETRequest: Sendable, Equatable {
  /// The request target (origin form, as sent).
  var target: String
  /// Header values by lower-case name, repeated fields joined with commas, as
  /// `APIRequest.headers` gives them (without Host, which HTTP types keep apart).
  var headers: [String: String]
  /// Bytes of the head, its blank line included.
  var length: Int

  /// Header fields at most before a head is left to the decoder.
  static let maxFields = 64

  enum Parse: Sendable, Equatable {
    /// More bytes are needed to know.
    case incomplete
    case request(WireGETRequest)
    /// Not a plain GET head: the decoder's to read.
    case other
  }

  /// Parses the head at the start of `bytes`; the search for its end starts at `from`
  /// (where an earlier call on fewer of the same bytes stopped), so a head that arrives a
  /// few bytes at a time is not scanned from its start each time.
  static func parse(_ bytes: UnsafeRawBufferPointer, from: Int = 0) -> Parse {
    let n = bytes.count
    let method: StaticString = "GET "
    for i in 0..<min(n, 4) where bytes[i] != method.utf8Start[i] { return .other }
    // Where the head ends: after the first CRLF CRLF.
    var end = -1
    var i = max(3, from)
    while i < n {
      if bytes[i] == lf, bytes[i - 1] == cr, bytes[i - 2] == lf, bytes[i - 3] == cr {
        end = i + 1
        break
      }
      i += 1
    }
    guard end > 0 else { return .incomplete }

    // Request line: GET SP target SP HTTP/1.1 CRLF.
    var p = 4
    let targetStart = p
    while p < end, bytes[p] > 0x20, bytes[p] < 0x7F { p += 1 }
    guard p > targetStart, bytes[p] == space else { return .other }
    let target = String(
      decoding: UnsafeRawBufferPointer(rebasing: bytes[targetStart..<p]), as: UTF8.self)
    p += 1
    let version: StaticString = "HTTP/1.1\r\n"
    guard end - p >= version.utf8CodeUnitCount else { return .other }
    for k in 0..<version.utf8CodeUnitCount where bytes[p + k] != version.utf8Start[k] {
      return .other
    }
    p += version.utf8CodeUnitCount

    var headers: [String: String] = [:]
    var fields = 0
    var host = false
    while true {
      // One line: p ..< lineEnd, then CRLF.
      var lineEnd = p
      while bytes[lineEnd] != cr { lineEnd += 1 }
      guard bytes[lineEnd + 1] == lf else { return .other }
      if lineEnd == p { break }  // the blank line
      fields += 1
      guard fields <= maxFields else { return .other }
      var colon = p
      while colon < lineEnd, isToken(bytes[colon]) { colon += 1 }
      guard colon > p, colon < lineEnd, bytes[colon] == UInt8(ascii: ":") else { return .other }
      var valueStart = colon + 1
      var valueEnd = lineEnd
      while valueStart < valueEnd, bytes[valueStart] == space || bytes[valueStart] == tab {
        valueStart += 1
      }
      while valueEnd > valueStart, bytes[valueEnd - 1] == space || bytes[valueEnd - 1] == tab {
        valueEnd -= 1
      }
      for k in valueStart..<valueEnd {
        let b = bytes[k]
        guard (b >= 0x20 && b < 0x7F) || b == tab else { return .other }
      }
      let name = String(
        unsafeUninitializedCapacity: colon - p,
        initializingUTF8With: { out in
          for k in 0..<(colon - p) {
            let b = bytes[p + k]
            out[k] = b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b + 32 : b
          }
          return colon - p
        })
      let value = String(
        decoding: UnsafeRawBufferPointer(rebasing: bytes[valueStart..<valueEnd]), as: UTF8.self)
      if name == "host" {
        // HTTP types take the Host field as the authority, not as a header field; a
        // second one is the decoder's to judge.
        guard !host else { return .other }
        host = true
      } else {
        headers[name] = headers[name].map { "\($0),\(value)" } ?? value
      }
      p = lineEnd + 2
    }
    return .request(WireGETRequest(target: target, headers: headers, length: end))
  }

  private static let cr = UInt8(ascii: "\r")
  private static let lf = UInt8(ascii: "\n")
  private static let space = UInt8(ascii: " ")
  private static let tab = UInt8(ascii: "\t")

  /// RFC 9110 `tchar`.
  private static func isToken(_ b: UInt8) -> Bool {
    switch b {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"):
      return true
    default:
      return "!#$%&'*+-.^_`|~".utf8.contains(b)
    }
  }
}
