import Foundation
import Testing

@testable import Store

/// New objects' uids: version 7 UUIDs in kube's lower-case form, in creation order,
/// carrying the time they were made, never repeated.
@Suite struct ObjectUIDsTests {
  @Test func versionSevenLowerCaseOrderedAndUnique() {
    let before = UInt64(Date().timeIntervalSince1970 * 1000)
    // More than one 4 KiB buffer of random bytes (256 uids each), and likely more than
    // the 4,096 a millisecond's counter holds.
    let uids = (0..<6_000).map { _ in ObjectUIDs.next() }
    let after = UInt64(Date().timeIntervalSince1970 * 1000)
    #expect(Set(uids).count == uids.count, "a uid repeated")
    #expect(uids == uids.sorted(), "uids out of creation order")
    for uid in uids.prefix(300) + uids.suffix(300) {
      #expect(UUID(uuidString: uid) != nil, "\(uid) does not parse as a UUID")
      #expect(uid == uid.lowercased())
      let bytes = Array(uid.utf8)
      #expect(bytes.count == 36)
      #expect(bytes[14] == UInt8(ascii: "7"), "version of \(uid)")
      #expect("89ab".utf8.contains(bytes[19]), "variant of \(uid)")
    }
    // The first 48 bits: the Unix time in milliseconds (a counter that overflowed may
    // borrow a few milliseconds ahead).
    let hex = uids.map { String($0.prefix(8) + $0.dropFirst(9).prefix(4)) }
    let first = UInt64(hex.first!, radix: 16)!
    let last = UInt64(hex.last!, radix: 16)!
    #expect(first >= before && first <= after)
    #expect(last >= first && last <= after + 10)
  }
}

extension ObjectUIDsTests {
  /// The milliseconds of a uid.
  func milliseconds(_ uid: String) -> UInt64 {
    UInt64(String(uid.prefix(8) + uid.dropFirst(9).prefix(4)), radix: 16)!
  }

  /// Past 4,096 uids in one millisecond the next one is borrowed; a clock stepping back
  /// keeps the last millisecond. Order and uniqueness hold throughout.
  @Test func counterOverflowAndAClockSteppingBack() {
    var clock = ObjectUIDs.Clock()
    let t: UInt64 = 1_796_000_000_000
    var ticks = (0..<5_000).map { _ in clock.advance(to: t) }
    #expect(ticks[4_095] == (t, 4_095))
    #expect(ticks[4_096] == (t + 1, 0))
    ticks += (0..<10).map { _ in clock.advance(to: t - 60_000) }
    #expect(ticks.last! == (t + 1, 913))
    #expect(clock.advance(to: t + 5) == (t + 5, 0))
    let uids = ticks.map { ObjectUIDs.uid(millisecond: $0.millisecond, counter: $0.counter) }
    #expect(uids == uids.sorted())
    #expect(Set(uids).count == uids.count)
    #expect(milliseconds(uids[4_096]) == t + 1)
  }
}
