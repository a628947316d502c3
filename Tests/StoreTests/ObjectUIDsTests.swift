import Foundation
import Testing

@testable import Store

/// New objects' uids: random version-4 UUIDs in kube's lower-case form, never repeated.
@Suite struct ObjectUIDsTests {
  @Test func versionFourLowerCaseAndUnique() {
    var seen = Set<String>()
    // More than one 4 KiB buffer of random bytes (256 uids each).
    for _ in 0..<2_000 {
      let uid = ObjectUIDs.next()
      #expect(seen.insert(uid).inserted, "repeated uid \(uid)")
      #expect(UUID(uuidString: uid) != nil, "\(uid) does not parse as a UUID")
      #expect(uid == uid.lowercased())
      let bytes = Array(uid.utf8)
      #expect(bytes.count == 36)
      #expect(bytes[14] == UInt8(ascii: "4"), "version of \(uid)")
      #expect("89ab".utf8.contains(bytes[19]), "variant of \(uid)")
    }
  }
}
