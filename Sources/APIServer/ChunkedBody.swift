import Objects

/// A complete response body made piece by piece while it is sent (HTTP chunked encoding):
/// a list of 10,000 objects holds its stored bytes, but never its whole encoding nor all
/// its objects decoded; each chunk is encoded when the connection is ready for it.
///
/// A chunk that fails to encode (a stored object that does not decode) can only cut the
/// answer short: its 200 head is already sent. The server logs it.
public struct ChunkedBody: Sendable {
  /// Number of chunks.
  public let count: Int
  private let make: @Sendable (Int) throws -> [UInt8]

  /// A body of `count` chunks; `make(i)` encodes the i-th.
  public init(count: Int, make: @escaping @Sendable (Int) throws -> [UInt8]) {
    self.count = count
    self.make = make
  }

  /// The `index`-th chunk.
  public func chunk(_ index: Int) throws -> [UInt8] { try make(index) }

  /// The whole body at once.
  public func collect() throws -> [UInt8] {
    var out: [UInt8] = []
    for i in 0..<count { out += try make(i) }
    return out
  }

  /// A JSON object: the members of `head` (a map), then `member`: an array of `count`
  /// elements, element `i` appended by `element(i, &out)`. Chunks hold `perChunk`
  /// elements each; the first starts with `head`, the last ends the document.
  public static func jsonObject(
    head: Value, member: String, count: Int, perChunk: Int = 200,
    element: @escaping @Sendable (Int, inout [UInt8]) throws -> Void
  ) -> ChunkedBody {
    var prefix = JSON.encodeBytes(head)
    // `head` is an object: reopen it before its closing brace to add `member`.
    prefix.removeLast()
    if prefix.count > 1 { prefix.append(UInt8(ascii: ",")) }
    JSON.encode(.string(member), appendingTo: &prefix)
    prefix.append(contentsOf: ":[".utf8)
    let perChunk = max(1, perChunk)
    let chunks = max(1, (count + perChunk - 1) / perChunk)
    return ChunkedBody(count: chunks) { [prefix] index in
      var out: [UInt8] = index == 0 ? prefix : []
      let range = (index * perChunk)..<min(count, (index + 1) * perChunk)
      for i in range {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        try element(i, &out)
      }
      if index == chunks - 1 { out.append(contentsOf: "]}".utf8) }
      return out
    }
  }
}
