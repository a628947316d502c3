import Admission
import CEL
import Testing

/// The string formats kube-openapi checks.
@Suite struct SchemaFormatTests {
  @Test(arguments: [
    ("date-time", "2024-05-01T10:00:00Z", true), ("date-time", "2024-05-01T10:00:00.5+02:00", true),
    ("date-time", "2024-05-01", false), ("date-time", "2024-02-30T10:00:00Z", false),
    ("date", "2024-02-29", true), ("date", "2023-02-29", false),
    ("duration", "1h30m", true), ("duration", "3 days", true), ("duration", "soon", false),
    ("byte", "aGVsbG8=", true), ("byte", "not base64!", false),
    ("uuid", "123e4567-e89b-12d3-a456-426614174000", true), ("uuid", "123", false),
    ("ipv4", "10.0.0.1", true), ("ipv4", "10.0.0", false), ("ipv4", "::1", false),
    ("ipv6", "fe80::1", true), ("ipv6", "10.0.0.1", false),
    ("hostname", "example.com", true), ("hostname", "-bad-.com", false),
    ("uri", "https://example.com/a?b=c", true), ("uri", "http://x/%zz", false),
    ("email", "a@example.com", true), ("email", "nobody", false),
    ("cidr", "10.0.0.0/8", true), ("cidr", "10.0.0.0/33", false),
    ("int32", "anything", true), ("password", "", true), ("no-such-format", "x", true),
  ])
  func format(_ format: String, _ text: String, _ valid: Bool) {
    #expect(SchemaFormat.isValid(text, format: format) == valid)
  }

  @Test func dateTimeParsesToTheInstant() {
    let t = SchemaFormat.parseDateTime("1970-01-02T01:00:00.25+01:00")
    #expect(t?.seconds == 86_400)
    #expect(t?.nanos == 250_000_000)
  }

  @Test func durationParsesToNanoseconds() {
    #expect(SchemaFormat.parseDuration("1h30m")?.totalNanoseconds == 5_400_000_000_000)
    #expect(SchemaFormat.parseDuration("-1.5s")?.totalNanoseconds == -1_500_000_000)
    #expect(SchemaFormat.parseDuration("2w")?.totalNanoseconds == 1_209_600_000_000_000)
  }

  @Test func celPropertyNames() {
    #expect(CELPropertyName.escape("foo-bar") == "foo__dash__bar")
    #expect(CELPropertyName.escape("a.b/c") == "a__dot__b__slash__c")
    #expect(CELPropertyName.escape("x__y") == "x__underscores__y")
    #expect(CELPropertyName.escape("namespace") == "__namespace__")
    #expect(CELPropertyName.escape("1abc") == nil)
    #expect(CELPropertyName.escape("a b") == nil)
  }
}
