import Foundation
import Objects

/// What the API answers: a status, headers, and a body that is complete, made while it is
/// sent (lists), or a stream of chunks (watch).
public struct APIResponse: Sendable {
  public enum Body: Sendable {
    case bytes([UInt8])
    /// A complete document encoded chunk by chunk as the connection takes it.
    case chunked(ChunkedBody)
    /// Chunks as they come (a watch); finishing the queue ends it early, as a graceful
    /// shutdown does.
    case stream(WatchChunkQueue)
  }

  public var status: Int
  public var headers: [(String, String)]
  public var body: Body

  public init(status: Int, headers: [(String, String)] = [], body: Body = .bytes([])) {
    self.status = status
    self.headers = headers
    self.body = body
  }

  /// A JSON document.
  public static func json(
    _ value: Value, status: Int = 200, contentType: String = "application/json",
    warnings: [String] = []
  ) -> APIResponse {
    var headers = [("Content-Type", contentType)]
    for w in warnings { headers.append(("Warning", APIResponse.warningHeader(w))) }
    return APIResponse(status: status, headers: headers, body: .bytes(JSON.encodeBytes(value)))
  }

  /// A `Status` error.
  public static func error(_ error: APIError) -> APIResponse {
    .json(error.status, status: error.code)
  }

  /// Plain text.
  public static func text(_ text: String, status: Int = 200) -> APIResponse {
    APIResponse(
      status: status, headers: [("Content-Type", "text/plain; charset=utf-8")],
      body: .bytes(Array(text.utf8)))
  }

  /// `299 - "text"`: how kube-apiserver sends a warning (kubectl prints `Warning: text`).
  static func warningHeader(_ text: String) -> String {
    let escaped = text.replacingOccurrences(of: "\\", with: "\\\\")
      .replacingOccurrences(of: "\"", with: "\\\"")
      .replacingOccurrences(of: "\n", with: " ")
    return "299 - \"\(escaped)\""
  }

  /// The whole body, when it is not a stream (empty when a chunk fails to encode; only
  /// tests and the recorder of writes, which never get chunked bodies, read it).
  public var bytes: [UInt8] {
    switch body {
    case .bytes(let b): return b
    case .chunked(let c): return (try? c.collect()) ?? []
    case .stream: return []
    }
  }

  /// The value of header `name` (case-insensitive).
  public func header(_ name: String) -> String? {
    headers.first { $0.0.lowercased() == name.lowercased() }?.1
  }
}
