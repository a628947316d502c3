/// Reuses the storage of strings seen before in a stream. Manifests repeat the same
/// keys and many values (`app.kubernetes.io/name`, `IfNotPresent`) thousands of times;
/// sharing one heap string saves an allocation and a UTF-8 validation each time.
/// Strings of up to 15 bytes are stored inline by Swift and need no interning.
struct StringInterner {
  private var slots: [String?] = Array(repeating: nil, count: 1024)

  /// The string of `bytes` (valid UTF-8, as libyaml guarantees).
  mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    if bytes.count <= 15 || bytes.count > 128 {
      return String(decoding: bytes, as: UTF8.self)
    }
    var h: UInt32 = 2_166_136_261  // FNV-1a
    for b in bytes { h = (h ^ UInt32(b)) &* 16_777_619 }
    let slot = Int(h & 1023)
    if let s = slots[slot], s.utf8.count == bytes.count, s.utf8.elementsEqual(bytes) { return s }
    let s = String(decoding: bytes, as: UTF8.self)
    slots[slot] = s
    return s
  }
}
