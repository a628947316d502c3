import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// UUIDs for new objects' `metadata.uid`, lower-case as kube writes them: version 7
/// (RFC 9562), time-ordered. The first 48 bits are the Unix time in milliseconds and the
/// next 12 a counter within the millisecond, so uids of successive creates sort in order
/// and land beside each other in the store's uid index instead of on a random page each
/// (with random uids, a batch of 1,000 creates rewrote some 600 of that index's pages and
/// a fifth of the bytes a batch writes). The other 62 bits are random, read from
/// /dev/urandom 4 KiB at a time. kube treats a uid as opaque: only uniqueness counts,
/// and the creation time it carries is the object's public creationTimestamp anyway.
public enum ObjectUIDs {
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
  private static let clock = Mutex(Clock())
  private static let hex = Array("0123456789abcdef".utf8)

  /// The millisecond and counter of successive uids: never backwards (a clock stepping
  /// back keeps the last millisecond), and past 4,096 uids in one millisecond the next
  /// millisecond is borrowed.
  struct Clock {
    var millisecond: UInt64 = 0
    var counter: UInt16 = 0

    mutating func advance(to now: UInt64) -> (millisecond: UInt64, counter: UInt16) {
      if now > millisecond {
        (millisecond, counter) = (now, 0)
      } else if counter == 0x0FFF {
        (millisecond, counter) = (millisecond + 1, 0)
      } else {
        counter += 1
      }
      return (millisecond, counter)
    }
  }

  /// A new version 7 UUID: `tttttttt-tttt-7ccc-yxxx-xxxxxxxxxxxx` (t: Unix milliseconds,
  /// c: counter, y: RFC 9562 variant). Public for the store benchmark's raw SQLite peer,
  /// which writes the same rows.
  public static func next() -> String {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    let now = UInt64(ts.tv_sec) * 1_000 + UInt64(ts.tv_nsec) / 1_000_000
    let (millisecond, counter) = clock.withLock { $0.advance(to: now) }
    return uid(millisecond: millisecond, counter: counter)
  }

  /// The uid of `millisecond` and `counter`, with 62 random bits.
  static func uid(millisecond: UInt64, counter: UInt16) -> String {
    var bytes = buffer.withLock { Array($0.next16()) }
    for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: millisecond >> (40 - 8 * i)) }
    bytes[6] = 0x70 | UInt8(counter >> 8)
    bytes[7] = UInt8(truncatingIfNeeded: counter)
    bytes[8] = (bytes[8] & 0x3F) | 0x80
    var out = [UInt8]()
    out.reserveCapacity(36)
    for (i, b) in bytes.enumerated() {
      if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
      out.append(hex[Int(b >> 4)])
      out.append(hex[Int(b & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}
