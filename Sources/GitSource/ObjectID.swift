import CGit2

extension git_oid {
  /// The 40-character lower-case hexadecimal form.
  var hex: String {
    let digits: [UInt8] = Array("0123456789abcdef".utf8)
    return withUnsafeBytes(of: id) { raw in
      String(unsafeUninitializedCapacity: raw.count * 2) { buffer in
        for (index, byte) in raw.enumerated() {
          buffer[2 * index] = digits[Int(byte >> 4)]
          buffer[2 * index + 1] = digits[Int(byte & 0x0f)]
        }
        return raw.count * 2
      }
    }
  }

  /// Parses a full 40-digit hexadecimal id; nil if malformed.
  init?(hex text: String) {
    guard text.utf8.count == 40, GitReference.isHex(text) else { return nil }
    var oid = git_oid()
    guard git_oid_fromstrn(&oid, text, 40) == 0 else { return nil }
    self = oid
  }
}
