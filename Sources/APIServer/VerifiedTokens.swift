import Synchronization

/// ServiceAccount tokens whose signature and claims were checked, with what they said:
/// a client sends the same token with every request, and checking its ECDSA signature
/// again each time cost more than most answers. Only the time window is checked again.
/// The signing key never changes while the process runs, so a cached check stays true.
///
/// At most `capacity` tokens are kept; when full, the cache starts over.
final class VerifiedTokens: Sendable {
  struct Entry: Sendable, Equatable {
    var identity: ServiceAccountTokens.Identity
    /// `nbf` and `exp`, seconds since 1970.
    var notBefore: Int64
    var expires: Int64
  }

  let capacity: Int
  private let entries = Mutex<[String: Entry]>([:])

  init(capacity: Int = 1_024) { self.capacity = capacity }

  func entry(_ token: String) -> Entry? {
    entries.withLock { $0[token] }
  }

  func insert(_ token: String, _ entry: Entry) {
    entries.withLock { entries in
      if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
      entries[token] = entry
    }
  }

  var count: Int { entries.withLock { $0.count } }
}
