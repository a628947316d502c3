import CRE2
import Synchronization

/// A compiled RE2 regular expression: RE2 syntax only (no backreferences or lookaround),
/// matching in time linear in the input, as Go's `regexp` does for cel-go and Kubernetes.
///
/// Instances are immutable and safe to share across threads: RE2 matching is const.
/// `CELRegex.cached(_:)` returns a shared compiled instance per pattern.
public final class CELRegex: Sendable {
  /// The pattern this was compiled from.
  public let pattern: String
  /// The number of capturing groups.
  public let groupCount: Int
  /// The `cre2_regexp *`, kept as its address so the class stays `Sendable`; the object
  /// is never mutated after compilation and is freed in `deinit`.
  private let address: UInt

  /// Compiles `pattern`; throws with RE2's message when the pattern is invalid.
  public init(_ pattern: String) throws(CELError) {
    var message: UnsafeMutablePointer<CChar>?
    let compiled = Self.withBytes(pattern) { base, count in
      cre2_compile(base, count, &message)
    }
    defer { cre2_free_string(message) }
    guard let compiled else {
      let detail = message.map { String(cString: $0) } ?? "invalid pattern"
      throw CELError("error parsing regexp: \(detail): `\(pattern)`")
    }
    self.pattern = pattern
    self.groupCount = Int(cre2_group_count(compiled))
    self.address = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(compiled)))
  }

  deinit { cre2_delete(handle) }

  private var handle: OpaquePointer {
    // The address came from a non-nil pointer in `init`.
    OpaquePointer(bitPattern: address).unsafelyUnwrapped
  }

  // MARK: Matching

  /// True when the pattern matches anywhere in `text` (CEL `matches`).
  public func matches(_ text: String) -> Bool {
    withBytes(text) { base, count in cre2_partial_match(handle, base, count) == 1 }
  }

  /// True when the pattern matches all of `text`.
  public func matchesEntirely(_ text: String) -> Bool {
    withBytes(text) { base, count in cre2_full_match(handle, base, count) == 1 }
  }

  /// The first (leftmost) match in `text`, or nil.
  public func find(_ text: String) -> String? {
    firstMatch(in: text).map { $0.text }
  }

  /// All non-overlapping matches, at most `limit` of them (a negative limit means all),
  /// with Go's rules for empty matches: an empty match right after a previous match is
  /// skipped, and the search moves on by one character after an empty match.
  public func findAll(_ text: String, limit: Int = -1) -> [String] {
    allMatches(in: text, limit: limit).map(\.text)
  }

  /// The first match with its capture groups, or nil.
  public func firstMatch(in text: String) -> CELRegexMatch? {
    allMatches(in: text, limit: 1).first
  }

  /// All non-overlapping matches with their capture groups (see `findAll`).
  public func allMatches(in text: String, limit: Int = -1) -> [CELRegexMatch] {
    if limit == 0 { return [] }
    let groups = groupCount + 1
    return withBytes(text) { base, count in
      var out: [CELRegexMatch] = []
      var spans = [Int](repeating: 0, count: 2 * groups)
      var pos = 0
      var previousEnd = -1
      while pos <= count, limit < 0 || out.count < limit {
        let found = spans.withUnsafeMutableBufferPointer { sp in
          cre2_find(handle, base, count, pos, sp.baseAddress, Int32(groups))
        }
        if found != 1 { break }
        let start = spans[0]
        let end = start + spans[1]
        var accept = true
        if end == pos {
          // An empty match: skip it when it abuts the previous match, then step one
          // UTF-8 character forward.
          if start == previousEnd { accept = false }
          pos += pos < count ? Self.characterWidth(base, pos, count) : 1
        } else {
          pos = end
        }
        previousEnd = end
        if accept { out.append(Self.match(base, spans, groups)) }
      }
      return out
    }
  }

  // MARK: Cache

  private static let cacheLimit = 512
  private static let cache = Mutex<[String: Result<CELRegex, CELError>]>([:])

  /// The compiled regex for `pattern`, shared through a small process-wide cache (invalid
  /// patterns are cached too, so a bad pattern in a hot rule is not recompiled each time).
  public static func cached(_ pattern: String) throws(CELError) -> CELRegex {
    if let hit = cache.withLock({ $0[pattern] }) { return try hit.get() }
    let result: Result<CELRegex, CELError>
    do {
      result = .success(try CELRegex(pattern))
    } catch {
      result = .failure(error)
    }
    cache.withLock { entries in
      if entries.count >= cacheLimit { entries.removeAll(keepingCapacity: true) }
      entries[pattern] = result
    }
    return try result.get()
  }

  // MARK: Helpers

  private func withBytes<R>(_ text: String, _ body: (UnsafePointer<CChar>, Int) -> R) -> R {
    Self.withBytes(text, body)
  }

  private static func withBytes<R>(
    _ text: String, _ body: (UnsafePointer<CChar>, Int) -> R
  ) -> R {
    if let result = text.utf8.withContiguousStorageIfAvailable({ buf in
      Self.withCChars(buf, body)
    }) {
      return result
    }
    let copy = Array(text.utf8)
    return copy.withUnsafeBufferPointer { Self.withCChars($0, body) }
  }

  private static func withCChars<R>(
    _ buf: UnsafeBufferPointer<UInt8>, _ body: (UnsafePointer<CChar>, Int) -> R
  ) -> R {
    guard let base = buf.baseAddress else {
      var empty: CChar = 0
      return body(&empty, 0)
    }
    return base.withMemoryRebound(to: CChar.self, capacity: buf.count) { body($0, buf.count) }
  }

  /// Bytes in the UTF-8 character starting at `pos` (1 for a stray continuation byte).
  private static func characterWidth(_ base: UnsafePointer<CChar>, _ pos: Int, _ count: Int)
    -> Int
  {
    let lead = UInt8(bitPattern: base[pos])
    let width: Int
    switch lead {
    case 0xF0...: width = 4
    case 0xE0...: width = 3
    case 0xC0...: width = 2
    default: width = 1
    }
    return min(width, count - pos)
  }

  private static func match(_ base: UnsafePointer<CChar>, _ spans: [Int], _ groups: Int)
    -> CELRegexMatch
  {
    var captured: [String?] = []
    captured.reserveCapacity(groups)
    for g in 0..<groups {
      let offset = spans[2 * g]
      if offset < 0 {
        captured.append(nil)
        continue
      }
      let raw = UnsafeRawBufferPointer(start: base + offset, count: spans[2 * g + 1])
      captured.append(String(decoding: raw, as: UTF8.self))
    }
    let start = spans[0]
    return CELRegexMatch(groups: captured, utf8Range: start..<(start + spans[1]))
  }
}

/// One match of a `CELRegex`: the whole match and its capture groups.
public struct CELRegexMatch: Sendable, Equatable {
  /// Group 0 is the whole match; a group that took no part in the match is nil.
  public var groups: [String?]
  /// The byte range of the whole match in the UTF-8 text.
  public var utf8Range: Range<Int>

  /// The text of the whole match.
  public var text: String { groups.first.flatMap { $0 } ?? "" }
}
