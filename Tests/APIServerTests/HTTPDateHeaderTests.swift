import Testing

@testable import APIServer

/// The `Date` header of answers made on the event loop, as RFC 9110's IMF-fixdate.
@Suite struct HTTPDateHeaderTests {
  @Test func formatsIMFFixdate() {
    #expect(HTTPDateHeader.value(seconds: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
    #expect(HTTPDateHeader.value(seconds: 1_796_582_020) == "Sun, 06 Dec 2026 18:33:40 GMT")
  }
}
