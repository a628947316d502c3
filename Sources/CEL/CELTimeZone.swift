import Synchronization

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A time zone for the timestamp accessors (`getHours('America/New_York')`): a fixed
/// offset, or an IANA zone read from a TZif file (versions 1-4) under
/// `/usr/share/zoneinfo`, including the POSIX TZ rule of its footer for instants after the
/// last listed transition. Zones are loaded once and cached.
public struct CELTimeZone: Sendable {
  /// The zone's name (`America/New_York`, `UTC`, or empty for fixed offsets).
  public let name: String
  /// Transition instants (Unix seconds), ascending.
  let transitions: [Int64]
  /// For each transition, the index into `offsets` in effect from it on.
  let transitionTypes: [Int]
  /// UTC offsets (seconds east) of the local time types.
  let offsets: [Int]
  /// The type in effect before the first transition.
  let firstType: Int
  /// The footer rule, applied from the last transition on.
  let rule: PosixRule?

  /// Coordinated Universal Time.
  public static let utc = CELTimeZone.fixed(offsetSeconds: 0, name: "UTC")

  /// The directory zone names resolve in.
  public static let zoneInfoDirectory = "/usr/share/zoneinfo/"

  /// A zone at a constant offset (seconds east of UTC).
  public static func fixed(offsetSeconds: Int, name: String = "") -> CELTimeZone {
    CELTimeZone(
      name: name, transitions: [], transitionTypes: [], offsets: [offsetSeconds], firstType: 0,
      rule: nil)
  }

  init(
    name: String, transitions: [Int64], transitionTypes: [Int], offsets: [Int],
    firstType: Int, rule: PosixRule?
  ) {
    self.name = name
    self.transitions = transitions
    self.transitionTypes = transitionTypes
    self.offsets = offsets
    self.firstType = firstType
    self.rule = rule
  }

  /// The offset from UTC, in seconds east, in effect at `seconds` since the Unix epoch.
  public func offset(atUnixSeconds seconds: Int64) -> Int {
    guard let firstTransition = transitions.first, seconds >= firstTransition else {
      return offsets[firstType]
    }
    var lo = 0
    var hi = transitions.count
    while hi - lo > 1 {
      let mid = (lo + hi) / 2
      if seconds < transitions[mid] { hi = mid } else { lo = mid }
    }
    if lo == transitions.count - 1, let rule {
      return rule.offset(atUnixSeconds: seconds)
    }
    return offsets[transitionTypes[lo]]
  }

  // MARK: Resolving cel-go's time zone argument

  /// The zone a timestamp accessor's argument names, as cel-go reads it: a string with a
  /// colon is an offset `[+|-]HH:MM` (`"+05:30"`, `"-08:00"`, `"02:00"`), anything else an
  /// IANA name (`"UTC"`, `"America/New_York"`).
  public static func resolve(_ spec: String) -> Result<CELTimeZone, CELError> {
    guard let colon = spec.utf8.firstIndex(of: UInt8(ascii: ":")) else {
      return named(spec).map { .success($0) }
        ?? .failure(CELError("unknown time zone \(spec)"))
    }
    let hoursText = spec[..<colon]
    let minutesText = spec[spec.utf8.index(after: colon)...]
    guard let hours = Int(hoursText), let minutes = Int(minutesText),
      abs(hours) <= 1_000_000, abs(minutes) <= 1_000_000
    else {
      return .failure(CELError("invalid time zone offset \(spec.debugDescription)"))
    }
    let negative = spec.utf8.first == UInt8(ascii: "-")
    let total = negative ? hours * 60 - minutes : hours * 60 + minutes
    return .success(.fixed(offsetSeconds: total * 60))
  }

  // MARK: Loading named zones

  private static let cache = Mutex<[String: CELTimeZone]>([:])
  private static let misses = Mutex<Set<String>>([])

  /// The IANA zone `name` (cached), `UTC` for "", "UTC" and "Local", or nil when the
  /// name is invalid or no TZif file holds it.
  public static func named(_ name: String) -> CELTimeZone? {
    if name.isEmpty || name == "UTC" || name == "Local" { return .utc }
    if let zone = cache.withLock({ $0[name] }) { return zone }
    if misses.withLock({ $0.contains(name) }) { return nil }
    guard isValidName(name), let bytes = readFile(zoneInfoDirectory + name),
      let zone = CELTimeZone(tzif: bytes, name: name)
    else {
      misses.withLock { set in
        if set.count < 1024 { set.insert(name) }
      }
      return nil
    }
    cache.withLock { $0[name] = zone }
    return zone
  }

  /// Names are relative paths of letters, digits and `_+-./`, without `..`.
  static func isValidName(_ name: String) -> Bool {
    guard name.utf8.count <= 255, name.utf8.first != UInt8(ascii: "/"),
      !name.contains("..")
    else { return false }
    for c in name.utf8 {
      switch c {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "+"),
        UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"):
        continue
      default: return false
      }
    }
    return true
  }

  private static func readFile(_ path: String) -> [UInt8]? {
    guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)), data.count < 1 << 20
    else { return nil }
    return [UInt8](data)
  }

  // MARK: TZif

  /// Parses TZif data (RFC 8536); nil when malformed.
  public init?(tzif bytes: [UInt8], name: String) {
    var r = ByteReader(bytes: bytes)
    guard let v1 = r.header() else { return nil }
    var header = v1
    var timeSize = 4
    if v1.version >= 2 {
      guard r.skip(v1.bodySize(timeSize: 4)), let v2 = r.header() else { return nil }
      header = v2
      timeSize = 8
    }
    guard header.typeCount > 0 else { return nil }
    var transitions: [Int64] = []
    transitions.reserveCapacity(header.timeCount)
    for _ in 0..<header.timeCount {
      guard let t = timeSize == 8 ? r.int64() : r.int32().map(Int64.init) else { return nil }
      transitions.append(t)
    }
    var types: [Int] = []
    types.reserveCapacity(header.timeCount)
    for _ in 0..<header.timeCount {
      guard let i = r.byte(), Int(i) < header.typeCount else { return nil }
      types.append(Int(i))
    }
    var offsets: [Int] = []
    var isDST: [Bool] = []
    for _ in 0..<header.typeCount {
      guard let off = r.int32(), let dst = r.byte(), r.skip(1) else { return nil }
      offsets.append(Int(off))
      isDST.append(dst != 0)
    }
    let rest =
      header.charCount + header.leapCount * (timeSize + 4) + header.stdCount
      + header.utcCount
    guard r.skip(rest) else { return nil }
    var rule: PosixRule?
    if header.version >= 2, let footer = r.footer() {
      rule = PosixRule(footer)
    }
    if transitions.isEmpty {
      // As Go does: one transition at the beginning of time into type 0.
      transitions = [.min]
      types = [0]
    }
    self.init(
      name: name, transitions: transitions, transitionTypes: types, offsets: offsets,
      firstType: CELTimeZone.firstType(types: types, isDST: isDST), rule: rule)
  }

  /// The type before the first transition, chosen as Go's `lookupFirstZone`.
  static func firstType(types: [Int], isDST: [Bool]) -> Int {
    if !types.contains(0) { return 0 }
    if let first = types.first, isDST[first] {
      var i = first - 1
      while i >= 0 {
        if !isDST[i] { return i }
        i -= 1
      }
    }
    return isDST.firstIndex(of: false) ?? 0
  }

  /// The counts of a TZif header.
  struct Header {
    var version: Int
    var utcCount: Int
    var stdCount: Int
    var leapCount: Int
    var timeCount: Int
    var typeCount: Int
    var charCount: Int

    func bodySize(timeSize: Int) -> Int {
      timeCount * (timeSize + 1) + typeCount * 6 + charCount + leapCount * (timeSize + 4)
        + stdCount + utcCount
    }
  }

  /// Bounds-checked big-endian reading.
  struct ByteReader {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func skip(_ n: Int) -> Bool {
      guard n >= 0, n <= bytes.count - position else { return false }
      position += n
      return true
    }

    mutating func byte() -> UInt8? {
      guard position < bytes.count else { return nil }
      defer { position += 1 }
      return bytes[position]
    }

    mutating func uint32() -> UInt32? {
      guard bytes.count - position >= 4 else { return nil }
      var v: UInt32 = 0
      for i in 0..<4 { v = v << 8 | UInt32(bytes[position + i]) }
      position += 4
      return v
    }

    mutating func int32() -> Int32? { uint32().map { Int32(bitPattern: $0) } }

    mutating func int64() -> Int64? {
      guard let hi = uint32(), let lo = uint32() else { return nil }
      return Int64(bitPattern: UInt64(hi) << 32 | UInt64(lo))
    }

    mutating func header() -> Header? {
      guard bytes.count - position >= 44, bytes[position..<position + 4].elementsEqual("TZif".utf8)
      else { return nil }
      let versionByte = bytes[position + 4]
      let version = versionByte == 0 ? 1 : Int(versionByte) - Int(UInt8(ascii: "0"))
      position += 20
      var counts: [Int] = []
      for _ in 0..<6 {
        guard let c = uint32(), c < 1 << 20 else { return nil }
        counts.append(Int(c))
      }
      return Header(
        version: version, utcCount: counts[0], stdCount: counts[1], leapCount: counts[2],
        timeCount: counts[3], typeCount: counts[4], charCount: counts[5])
    }

    /// The POSIX TZ string between the footer's newlines.
    mutating func footer() -> String? {
      guard byte() == UInt8(ascii: "\n") else { return nil }
      let start = position
      while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
      guard position < bytes.count, position > start else { return nil }
      return String(decoding: bytes[start..<position], as: UTF8.self)
    }
  }
}

/// A POSIX TZ rule (`EST5EDT,M3.2.0,M11.1.0`), parsed and applied as Go's `tzset`.
struct PosixRule: Sendable {
  var stdOffset: Int
  var dst: (offset: Int, start: Transition, end: Transition)?

  /// A day rule with the local time of the change.
  struct Transition: Sendable {
    enum Kind: Sendable {
      case julian  // Jn: 1...365, February 29 never counted
      case dayOfYear  // n: 0...365
      case monthWeekDay  // Mm.w.d
    }
    var kind: Kind
    var day: Int
    var week = 0
    var month = 0
    var time = 7200
  }

  init?(_ text: String) {
    var p = Scanner(chars: Array(text.utf8))
    guard p.name(), let std = p.offset() else { return nil }
    stdOffset = -std
    if p.atEnd || p.peek == UInt8(ascii: ",") {
      dst = nil
      return
    }
    guard p.name() else { return nil }
    var dstOffset = stdOffset + 3600
    if !p.atEnd && p.peek != UInt8(ascii: ",") {
      guard let o = p.offset() else { return nil }
      dstOffset = -o
    }
    var start: Transition
    var end: Transition
    if p.atEnd {
      start = Transition(kind: .monthWeekDay, day: 0, week: 2, month: 3)
      end = Transition(kind: .monthWeekDay, day: 0, week: 1, month: 11)
    } else {
      guard p.eat(",") || p.eat(";"), let s = p.rule(), p.eat(","), let e = p.rule(), p.atEnd
      else { return nil }
      start = s
      end = e
    }
    dst = (dstOffset, start, end)
  }

  /// The offset at an instant after the zone's last listed transition.
  func offset(atUnixSeconds seconds: Int64) -> Int {
    guard let dst else { return stdOffset }
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let (year, _, _) = CELCivil.date(fromDays: days)
    let yearStart = CELCivil.days(year: year, month: 1, day: 1)
    let secondOfYear = (days - yearStart) * 86_400 + (seconds - days * 86_400)
    var stdOff = stdOffset
    var dstOff = dst.offset
    var startSec = Int64(PosixRule.time(of: dst.start, year: year) - stdOff)
    var endSec = Int64(PosixRule.time(of: dst.end, year: year) - dstOff)
    if endSec < startSec {
      swap(&startSec, &endSec)
      swap(&stdOff, &dstOff)
    }
    if secondOfYear < startSec || secondOfYear >= endSec { return stdOff }
    return dstOff
  }

  /// Seconds from the start of `year` to the local time of `rule`'s change.
  static func time(of rule: Transition, year: Int64) -> Int {
    let isLeap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    var day: Int
    switch rule.kind {
    case .julian:
      day = rule.day - 1
      if isLeap && rule.day >= 60 { day += 1 }
    case .dayOfYear:
      day = rule.day
    case .monthWeekDay:
      let month = Int64(rule.month)
      let first = CELCivil.days(year: year, month: month, day: 1)
      let next =
        month == 12
        ? CELCivil.days(year: year + 1, month: 1, day: 1)
        : CELCivil.days(year: year, month: month + 1, day: 1)
      let daysInMonth = Int(next - first)
      let weekday = Int(((first + 4) % 7 + 7) % 7)
      var d = rule.day - weekday
      if d < 0 { d += 7 }
      var week = 1
      while week < rule.week {
        if d + 7 >= daysInMonth { break }
        d += 7
        week += 1
      }
      day = Int(first - CELCivil.days(year: year, month: 1, day: 1)) + d
    }
    return day * 86_400 + rule.time
  }

  /// A cursor over a TZ string.
  struct Scanner {
    let chars: [UInt8]
    var i = 0

    var atEnd: Bool { i >= chars.count }
    var peek: UInt8? { i < chars.count ? chars[i] : nil }

    mutating func eat(_ c: Unicode.Scalar) -> Bool {
      guard peek == UInt8(ascii: c) else { return false }
      i += 1
      return true
    }

    /// A zone abbreviation: `<...>` or at least three letters.
    mutating func name() -> Bool {
      if eat("<") {
        while let c = peek, c != UInt8(ascii: ">") { i += 1 }
        return eat(">")
      }
      let start = i
      while let c = peek,
        !(c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) && c != UInt8(ascii: ",")
          && c != UInt8(ascii: "-") && c != UInt8(ascii: "+")
      {
        i += 1
      }
      return i - start >= 3
    }

    mutating func number(_ lo: Int, _ hi: Int) -> Int? {
      let start = i
      var n = 0
      while let c = peek, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
        n = n * 10 + Int(c - UInt8(ascii: "0"))
        if n > hi { return nil }
        i += 1
      }
      return i > start && n >= lo ? n : nil
    }

    /// `[+|-]hh[:mm[:ss]]` in seconds, as written (POSIX sign: positive is west).
    mutating func offset() -> Int? {
      var negative = false
      if eat("+") {
      } else if eat("-") {
        negative = true
      }
      guard let h = number(0, 24 * 7) else { return nil }
      var total = h * 3600
      if eat(":") {
        guard let m = number(0, 59) else { return nil }
        total += m * 60
        if eat(":") {
          guard let s = number(0, 59) else { return nil }
          total += s
        }
      }
      return negative ? -total : total
    }

    /// `Jn`, `n` or `Mm.w.d`, optionally followed by `/time`.
    mutating func rule() -> Transition? {
      var r: Transition
      if eat("J") {
        guard let d = number(1, 365) else { return nil }
        r = Transition(kind: .julian, day: d)
      } else if eat("M") {
        guard let m = number(1, 12), eat("."), let w = number(1, 5), eat("."),
          let d = number(0, 6)
        else { return nil }
        r = Transition(kind: .monthWeekDay, day: d, week: w, month: m)
      } else {
        guard let d = number(0, 365) else { return nil }
        r = Transition(kind: .dayOfYear, day: d)
      }
      if eat("/") {
        guard let t = offset() else { return nil }
        r.time = t
      }
      return r
    }
  }
}
