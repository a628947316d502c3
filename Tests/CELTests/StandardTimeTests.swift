import Testing

@testable import CEL

/// A timestamp value parsed with the standard `timestamp(string)`.
func stdTimestamp(_ text: String) -> CELValue { stdCall("timestamp", .string(text)) }

@Suite struct StandardTimeParsingTests {
  @Test func rfc3339() {
    #expect(
      stdSame(stdTimestamp("2009-02-13T23:31:30Z"), stdCall("timestamp", .int(1_234_567_890))))
    guard case .timestamp(let t) = stdTimestamp("2009-02-13T23:31:30.123456789+01:00") else {
      Issue.record("not a timestamp")
      return
    }
    #expect(t.seconds == 1_234_567_890 - 3600)
    #expect(t.nanos == 123_456_789)
    guard case .timestamp(let u) = stdTimestamp("2009-02-13T23:31:30.5-02:30") else {
      Issue.record("not a timestamp")
      return
    }
    #expect(u.seconds == 1_234_567_890 + 9000)
    #expect(u.nanos == 500_000_000)
    #expect(!stdIsError(stdTimestamp("2024-02-29T00:00:00Z")))
    #expect(!stdIsError(stdTimestamp("0001-01-01T00:00:00Z")))
    #expect(!stdIsError(stdTimestamp("9999-12-31T23:59:59.999999999Z")))
  }

  @Test func rfc3339Errors() {
    #expect(stdIsError(stdTimestamp("0000-01-01T00:00:00Z"), "range"))
    #expect(stdIsError(stdTimestamp("10000-01-01T00:00:00Z")))
    #expect(stdIsError(stdTimestamp("2023-02-29T00:00:00Z")))
    #expect(stdIsError(stdTimestamp("2009-02-13 23:31:30Z")))
    #expect(stdIsError(stdTimestamp("2009-02-13T23:31:30")))
    #expect(stdIsError(stdTimestamp("2009-02-13T24:00:00Z")))
    #expect(stdIsError(stdTimestamp("2009-02-13T23:31:60Z")))
    #expect(stdIsError(stdTimestamp("2009-02-13T23:31:30.Z")))
    #expect(stdIsError(stdTimestamp("2009-02-13T23:31:30+1:00")))
    #expect(stdIsError(stdTimestamp("2009-02-13T23:31:30z")))
  }

  @Test func goDurations() {
    let cases: [(String, Int64, Int32)] = [
      ("1h2m3.5s", 3723, 500_000_000), ("-1.5s", -1, -500_000_000), ("100ms", 0, 100_000_000),
      ("2us", 0, 2000), ("2µs", 0, 2000), ("2μs", 0, 2000), ("3ns", 0, 3), ("0", 0, 0),
      ("+5m", 300, 0), (".5s", 0, 500_000_000), ("1.s", 1, 0), ("1h1h", 7200, 0),
      ("123.321456789s", 123, 321_456_789),
      ("2562047h47m16.854775807s", 9_223_372_036, 854_775_807),
    ]
    for (text, s, n) in cases {
      #expect(stdSame(stdCall("duration", .string(text)), stdDuration(s, nanos: n)), "\(text)")
    }
    for text in ["", "1", "s", ".s", "1x", "1 s", "-", "1.5.5s", "1hm"] {
      #expect(stdIsError(stdCall("duration", .string(text)), "conversion"), "\(text)")
    }
    #expect(stdIsError(stdCall("duration", .string("2562047h47m16.854775808s")), "range"))
    #expect(stdIsError(stdCall("duration", .string("9999999999999999999ns")), "range"))
  }
}

@Suite struct StandardTimeAccessorTests {
  func get(_ name: String, _ t: CELValue, _ tz: String? = nil) -> CELValue {
    tz.map { stdCall(name, t, .string($0)) } ?? stdCall(name, t)
  }

  @Test func utcAccessors() {
    let t = stdTimestamp("2009-02-13T23:31:30Z")
    #expect(stdSame(get("getFullYear", t), .int(2009)))
    #expect(stdSame(get("getMonth", t), .int(1)))
    #expect(stdSame(get("getDate", t), .int(13)))
    #expect(stdSame(get("getDayOfMonth", t), .int(12)))
    #expect(stdSame(get("getDayOfYear", t), .int(43)))
    #expect(stdSame(get("getDayOfWeek", t), .int(5)))
    #expect(stdSame(get("getHours", t), .int(23)))
    #expect(stdSame(get("getMinutes", t), .int(31)))
    #expect(stdSame(get("getSeconds", t), .int(30)))
    #expect(
      stdSame(get("getMilliseconds", stdTimestamp("2009-02-13T23:31:20.123456789Z")), .int(123)))
    // Before the epoch.
    let old = stdTimestamp("1969-12-31T23:59:59Z")
    #expect(stdSame(get("getHours", old), .int(23)))
    #expect(stdSame(get("getDayOfWeek", old), .int(3)))
    #expect(stdSame(get("getDayOfYear", old), .int(364)))
    #expect(stdSame(get("getFullYear", stdTimestamp("0001-01-01T00:00:00Z")), .int(1)))
  }

  @Test func fixedOffsets() {
    let t = stdTimestamp("2009-02-13T23:31:30Z")
    #expect(stdSame(get("getDayOfMonth", t, "+11:00"), .int(13)))
    #expect(stdSame(get("getFullYear", t, "-09:30"), .int(2009)))
    #expect(stdSame(get("getHours", t, "02:00"), .int(1)))
    #expect(stdSame(get("getSeconds", t, "-00:00"), .int(30)))
    #expect(stdSame(get("getDayOfMonth", stdTimestamp("2009-02-13T02:00:00Z"), "-02:30"), .int(11)))
    let noon = stdTimestamp("2024-01-15T12:00:00Z")
    #expect(stdSame(get("getHours", noon, "+05:30"), .int(17)))
    #expect(stdSame(get("getMinutes", noon, "+05:30"), .int(30)))
    #expect(stdSame(get("getHours", noon, "-08:00"), .int(4)))
    #expect(stdIsError(get("getHours", noon, "+xx:00"), "offset"))
    #expect(stdIsError(get("getHours", noon, ":30"), "offset"))
  }

  @Test func ianaZones() {
    let winter = stdTimestamp("2024-01-15T12:00:00Z")
    let summer = stdTimestamp("2024-07-15T12:00:00Z")
    #expect(stdSame(get("getHours", winter, "America/New_York"), .int(7)))
    #expect(stdSame(get("getHours", summer, "America/New_York"), .int(8)))
    #expect(stdSame(get("getHours", winter, "Asia/Kolkata"), .int(17)))
    #expect(stdSame(get("getMinutes", summer, "Asia/Kolkata"), .int(30)))
    #expect(stdSame(get("getHours", winter, "UTC"), .int(12)))
    // Conformance cases.
    let t = stdTimestamp("2009-02-13T23:31:30Z")
    #expect(stdSame(get("getDate", t, "Australia/Sydney"), .int(14)))
    #expect(stdSame(get("getDayOfMonth", t, "US/Central"), .int(12)))
    #expect(stdSame(get("getMinutes", t, "Asia/Kathmandu"), .int(16)))
    #expect(stdSame(get("getMonth", t, "UTC"), .int(1)))
    #expect(
      stdSame(
        get("getDayOfMonth", stdTimestamp("2009-02-13T02:00:00Z"), "America/St_Johns"), .int(11)))
    // Around the 2024 spring-forward: 01:59:59 EST, then 03:00 EDT.
    #expect(
      stdSame(get("getHours", stdTimestamp("2024-03-10T06:59:59Z"), "America/New_York"), .int(1)))
    #expect(
      stdSame(get("getHours", stdTimestamp("2024-03-10T07:00:00Z"), "America/New_York"), .int(3)))
    // Far future: the TZif footer rule applies.
    #expect(
      stdSame(get("getHours", stdTimestamp("2100-07-15T12:00:00Z"), "America/New_York"), .int(8)))
    #expect(
      stdSame(get("getHours", stdTimestamp("2100-01-15T12:00:00Z"), "America/New_York"), .int(7)))
    #expect(
      stdSame(get("getHours", stdTimestamp("2100-01-15T12:00:00Z"), "Australia/Sydney"), .int(23)))
  }

  @Test func badZoneNames() {
    let t = stdTimestamp("2024-01-15T12:00:00Z")
    #expect(stdIsError(get("getHours", t, "Mars/Olympus_Mons"), "unknown time zone"))
    #expect(stdIsError(get("getHours", t, "../../etc/passwd"), "unknown time zone"))
    #expect(stdIsError(get("getHours", t, "/etc/localtime"), "unknown time zone"))
    #expect(CELTimeZone.named("Mars/Olympus_Mons") == nil)
  }

  @Test func durationAccessorsAreTotals() {
    #expect(stdSame(get("getMinutes", stdDuration(3730)), .int(62)))
    #expect(stdSame(get("getSeconds", stdDuration(3730)), .int(3730)))
    #expect(stdSame(get("getHours", stdDuration(3730)), .int(1)))
    #expect(stdSame(get("getHours", stdDuration(-7200)), .int(-2)))
    #expect(stdSame(get("getMilliseconds", stdDuration(123, nanos: 321_456_789)), .int(321)))
    #expect(stdSame(get("getMilliseconds", stdDuration(-1, nanos: -500_000_000)), .int(-500)))
  }
}

@Suite struct CELTimeZoneTests {
  @Test func posixRules() throws {
    let us = try #require(PosixRule("EST5EDT,M3.2.0,M11.1.0"))
    let july2100: Int64 = 4_118_745_600  // 2100-07-08T00:00:00Z
    let jan2100: Int64 = 4_102_444_800  // 2100-01-01T00:00:00Z
    #expect(us.offset(atUnixSeconds: july2100) == -4 * 3600)
    #expect(us.offset(atUnixSeconds: jan2100) == -5 * 3600)
    // Southern hemisphere: DST spans the new year.
    let au = try #require(PosixRule("AEST-10AEDT,M10.1.0,M4.1.0/3"))
    #expect(au.offset(atUnixSeconds: jan2100) == 11 * 3600)
    #expect(au.offset(atUnixSeconds: july2100) == 10 * 3600)
    let india = try #require(PosixRule("IST-5:30"))
    #expect(india.offset(atUnixSeconds: jan2100) == 19_800)
    let quoted = try #require(PosixRule("<+0545>-5:45"))
    #expect(quoted.offset(atUnixSeconds: 0) == 20_700)
    #expect(PosixRule("E5") == nil)
    #expect(PosixRule("EST5EDT,M13.1.0,M11.1.0") == nil)
  }

  @Test func tzifParsing() throws {
    // A minimal version 2 file: no transitions, one type at +01:00, footer "CET-1".
    var body: [UInt8] = []
    func header(_ version: UInt8, typeCount: UInt32, charCount: UInt32) -> [UInt8] {
      var h = Array("TZif".utf8) + [version] + [UInt8](repeating: 0, count: 15)
      for c in [0, 0, 0, 0, typeCount, charCount] as [UInt32] {
        h += [UInt8(c >> 24), UInt8(c >> 16 & 0xFF), UInt8(c >> 8 & 0xFF), UInt8(c & 0xFF)]
      }
      return h
    }
    let type: [UInt8] = [0, 0, 0x0E, 0x10, 0, 0]  // +3600, not DST, abbreviation 0
    body += header(UInt8(ascii: "2"), typeCount: 1, charCount: 4) + type + Array("CET\0".utf8)
    body += header(UInt8(ascii: "2"), typeCount: 1, charCount: 4) + type + Array("CET\0".utf8)
    body += Array("\nCET-1\n".utf8)
    let zone = try #require(CELTimeZone(tzif: body, name: "Test/CET"))
    #expect(zone.offset(atUnixSeconds: 0) == 3600)
    #expect(zone.offset(atUnixSeconds: 4_102_444_800) == 3600)
    #expect(CELTimeZone(tzif: Array(body.prefix(50)), name: "x") == nil)
    #expect(CELTimeZone(tzif: Array("TZjf".utf8) + body.dropFirst(4), name: "x") == nil)
  }

  @Test func cachedNamedZones() throws {
    let a = try #require(CELTimeZone.named("Europe/Paris"))
    let b = try #require(CELTimeZone.named("Europe/Paris"))
    #expect(a.transitions == b.transitions)
    // 1999-07-01T00:00:00Z: CEST (+2).
    #expect(a.offset(atUnixSeconds: 930_787_200) == 7200)
    #expect(CELTimeZone.named("")?.name == "UTC")
  }
}
