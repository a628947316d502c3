import Testing

@testable import APIServer

@Suite struct WireGETRequestTests {
  func parse(_ text: String) -> WireGETRequest.Parse {
    Array(text.utf8).withUnsafeBytes { WireGETRequest.parse($0) }
  }

  @Test func readsAPlainGETHead() {
    let head =
      "GET /api/v1/namespaces/a/configmaps/b HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      + "Authorization:  Bearer t \t\r\nAccept: application/json\r\naccept: */*\r\n\r\n"
    guard case .request(let r) = parse(head + "GET /next") else {
      Issue.record("not parsed")
      return
    }
    #expect(r.target == "/api/v1/namespaces/a/configmaps/b")
    #expect(r.length == head.utf8.count)
    // Host is the authority, not a header field, as HTTP types have it.
    #expect(r.headers == ["authorization": "Bearer t", "accept": "application/json,*/*"])
    #expect(
      parse("GET / HTTP/1.1\r\n\r\n") == .request(.init(target: "/", headers: [:], length: 18)))
    #expect(parse("GET /x HTTP/1.1\r\nEmpty:\r\n\r\n").requestHeaders == ["empty": ""])
  }

  @Test func resumesTheSearchForTheHeadsEnd() {
    let head = "GET /api/v1/x HTTP/1.1\r\nAccept: a\r\nX: y\r\n\r\n"
    let whole = parse(head)
    let bytes = Array(head.utf8)
    for cut in 0...bytes.count {
      // What a first call on `cut` bytes said, then the rest searched from there.
      let first = bytes[..<cut].withUnsafeBytes { WireGETRequest.parse($0) }
      #expect(first == (cut == bytes.count ? whole : .incomplete))
      let resumed = bytes.withUnsafeBytes { WireGETRequest.parse($0, from: max(0, cut - 3)) }
      #expect(resumed == whole, "cut at \(cut)")
    }
  }

  @Test func waitsForTheWholeHead() {
    #expect(parse("") == .incomplete)
    #expect(parse("GE") == .incomplete)
    #expect(parse("GET /api/v1 HTTP/1.1\r\nHost: x\r\n") == .incomplete)
    #expect(parse("GET /api/v1 HTTP/1.1\r\nHost: x\r\n\r") == .incomplete)
  }

  @Test func leavesEverythingElseToTheDecoder() {
    for head in [
      "POST /api/v1/x HTTP/1.1\r\n\r\n",
      "get /api HTTP/1.1\r\n\r\n",
      "GET /api HTTP/1.0\r\n\r\n",
      "GET /api HTTP/1.1 \r\n\r\n",
      "GET  /api HTTP/1.1\r\n\r\n",
      "GET /a\u{7F}b HTTP/1.1\r\n\r\n",
      "GET /é HTTP/1.1\r\n\r\n",
      "GET /api\r\n\r\n",
      "GET /api HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
      "GET /api HTTP/1.1\r\nHost : x\r\n\r\n",
      "GET /api HTTP/1.1\r\n: x\r\n\r\n",
      "GET /api HTTP/1.1\r\nNo colon\r\n\r\n",
      "GET /api HTTP/1.1\r\nHost: x\ny: z\r\n\r\n",
      "GET /api HTTP/1.1\r\nHost: x\ry: z\r\n\r\n",
      "GET /api HTTP/1.1\r\nHost: \u{1}\r\n\r\n",
      "GET /api HTTP/1.1\r\nHost: é\r\n\r\n",
      "GET /api HTTP/1.1\r\n" + String(repeating: "A: b\r\n", count: 65) + "\r\n",
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
      "GET /api HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    ] {
      #expect(parse(head) == .other, "\(head.debugDescription)")
    }
    #expect(
      parse("GET /api HTTP/1.1\r\n" + String(repeating: "A: b\r\n", count: 64) + "\r\n") != .other)
  }
}

extension WireGETRequest.Parse {
  fileprivate var requestHeaders: [String: String]? {
    if case .request(let r) = self { return r.headers }
    return nil
  }
}
