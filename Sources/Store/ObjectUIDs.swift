import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Version-4 UUIDs for new objects' `metadata.uid`, lower-case as kube writes them, cut
/// from random bytes read from /dev/urandom 4 KiB at a time: one system call per 256 uids
/// instead of one or two per uid (Foundation's `UUID()`), which showed in the profile of
/// batched creates.
enum ObjectUIDs {
  private struct Buffer {
    var bytes = [UInt8](repeating: 0, count: 4096)
    var offset = 4096
    /// /dev/urandom, opened on first use (-1: unavailable).
    var urandom: Int32?

    mutating func next16() -> ArraySlice<UInt8> {
      if offset + 16 > bytes.count { refill() }
      defer { offset += 16 }
      return bytes[offset..<offset + 16]
    }

    private mutating func refill() {
      if urandom == nil { urandom = open("/dev/urandom", O_RDONLY | O_CLOEXEC) }
      let fd = urandom ?? -1
      let filled = bytes.withUnsafeMutableBytes { raw -> Bool in
        guard fd >= 0 else { return false }
        var done = 0
        while done < raw.count {
          let n = read(fd, raw.baseAddress! + done, raw.count - done)
          if n > 0 {
            done += n
          } else if n < 0 && errno == EINTR {
            continue
          } else {
            return false
          }
        }
        return true
      }
      if !filled {
        // No /dev/urandom: the system generator, 8 bytes at a time.
        var generator = SystemRandomNumberGenerator()
        bytes.withUnsafeMutableBytes { raw in
          for i in stride(from: 0, to: raw.count, by: 8) {
            raw.storeBytes(of: generator.next(), toByteOffset: i, as: UInt64.self)
          }
        }
      }
      offset = 0
    }
  }

  private static let buffer = Mutex(Buffer())
  private static let hex = Array("0123456789abcdef".utf8)

  /// A new random (version 4, RFC 9562 variant) UUID: `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`.
  static func next() -> String {
    var random = buffer.withLock { Array($0.next16()) }
    random[6] = (random[6] & 0x0F) | 0x40
    random[8] = (random[8] & 0x3F) | 0x80
    var out = [UInt8]()
    out.reserveCapacity(36)
    for (i, b) in random.enumerated() {
      if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
      out.append(hex[Int(b >> 4)])
      out.append(hex[Int(b & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}
