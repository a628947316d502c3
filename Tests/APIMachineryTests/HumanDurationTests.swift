import Foundation
import Testing

@testable import APIMachinery

private let millisecond: Int64 = 1_000_000
private let second: Int64 = 1_000_000_000
private let minute = 60 * second
private let hour = 60 * minute
private let day = 24 * hour
private let year = 365 * day

/// Cases from k8s.io/apimachinery/pkg/util/duration/duration_test.go.
@Suite struct HumanDurationTests {
  static let cases: [(Int64, String)] = [
    (second, "1s"),
    (70 * second, "70s"),
    (190 * second, "3m10s"),
    (70 * minute, "70m"),
    (47 * hour, "47h"),
    (49 * hour, "2d1h"),
    ((8 * 24 + 2) * hour, "8d"),
    (367 * day, "367d"),
    ((365 * 2 * 24 + 25) * hour, "2y1d"),
    ((365 * 8 * 24 + 2) * hour, "8y"),
  ]

  static let boundaries: [(Int64, String)] = [
    (-2 * second, "<invalid>"),
    (-2 * second + 1, "0s"),
    (0, "0s"),
    (second - millisecond, "0s"),
    (2 * minute - millisecond, "119s"),
    (2 * minute, "2m"),
    (2 * minute + second, "2m1s"),
    (10 * minute - millisecond, "9m59s"),
    (10 * minute, "10m"),
    (10 * minute + second, "10m"),
    (3 * hour - millisecond, "179m"),
    (3 * hour, "3h"),
    (3 * hour + minute, "3h1m"),
    (8 * hour - millisecond, "7h59m"),
    (8 * hour, "8h"),
    (8 * hour + 59 * minute, "8h"),
    (2 * day - millisecond, "47h"),
    (2 * day, "2d"),
    (2 * day + hour, "2d1h"),
    (8 * day - millisecond, "7d23h"),
    (8 * day, "8d"),
    (8 * day + 23 * hour, "8d"),
    (2 * year - millisecond, "729d"),
    (2 * year, "2y"),
    (2 * year + 23 * hour, "2y"),
    (2 * year + 23 * hour + 59 * minute, "2y"),
    (2 * year + day - millisecond, "2y"),
    (2 * year + day, "2y1d"),
    (3 * year, "3y"),
    (4 * year, "4y"),
    (5 * year, "5y"),
    (6 * year, "6y"),
    (7 * year, "7y"),
    (8 * year - millisecond, "7y364d"),
    (8 * year, "8y"),
    (8 * year + 364 * day, "8y"),
    (9 * year, "9y"),
  ]

  @Test(arguments: cases)
  func matchesKubernetes(nanoseconds: Int64, expected: String) {
    #expect(HumanDuration.string(nanoseconds: nanoseconds) == expected)
  }

  @Test(arguments: boundaries)
  func boundariesMatchKubernetes(nanoseconds: Int64, expected: String) {
    #expect(HumanDuration.string(nanoseconds: nanoseconds) == expected)
  }

  @Test func secondsAndDates() {
    #expect(HumanDuration.string(seconds: 9) == "9s")
    #expect(HumanDuration.string(seconds: 303) == "5m3s")
    #expect(HumanDuration.string(seconds: 3 * 3600 + 5 * 60) == "3h5m")
    #expect(HumanDuration.string(seconds: 12 * 86_400) == "12d")
    #expect(HumanDuration.string(seconds: (2 * 365 + 30) * 86_400) == "2y30d")
    #expect(HumanDuration.string(seconds: -1.5) == "0s")
    #expect(HumanDuration.string(seconds: -2) == "<invalid>")
    #expect(HumanDuration.string(seconds: .infinity) == "\(Int64.max / (365 * day))y")
    #expect(HumanDuration.string(seconds: -.infinity) == "<invalid>")
    let start = Date(timeIntervalSince1970: 1_700_000_000)
    #expect(HumanDuration.age(since: start, now: start.addingTimeInterval(9.999)) == "9s")
    #expect(HumanDuration.age(since: start, now: start.addingTimeInterval(-1)) == "0s")
  }
}
