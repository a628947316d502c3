import Admission
import Foundation

/// One HTTP request to the API, independent of the HTTP server that received it.
public struct APIRequest: Sendable {
  public var method: String
  /// The path without the query.
  public var path: String { didSet { target = ResourcePath.parse(path) } }
  /// What `path` names, parsed once (authorization, routing, metrics and audit all ask).
  public private(set) var target: ResourcePath.Target?
  public var query: [String: String]
  /// Header values by lower-cased name.
  public var headers: [String: String]
  public var body: [UInt8]
  /// The authenticated user.
  public var user: AdmissionUserInfo
  /// The client's address, when known.
  public var sourceAddress: String?

  public init(
    method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:],
    body: [UInt8] = [], user: AdmissionUserInfo = AdmissionUserInfo()
  ) {
    self.method = method
    self.path = path
    self.target = ResourcePath.parse(path)
    self.query = query
    self.headers = headers
    self.body = body
    self.user = user
  }

  /// Splits `target` (`/path?query`) into the path and its decoded query parameters.
  public static func split(_ target: String) -> (path: String, query: [String: String]) {
    guard let q = target.firstIndex(of: "?") else { return (target, [:]) }
    var query: [String: String] = [:]
    for pair in target[target.index(after: q)...].split(separator: "&") {
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      func decode(_ s: Substring) -> String {
        String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
      }
      query[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
    }
    return (String(target[..<q]), query)
  }

  /// The path with its query, as received.
  var uri: String {
    guard !query.isEmpty else { return path }
    let allowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))
    let pairs = query.sorted { $0.key < $1.key }.map {
      "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.value)"
    }
    return path + "?" + pairs.joined(separator: "&")
  }

  /// The `Accept` header.
  var accept: String { headers["accept"] ?? "" }

  /// Whether one media range of `Accept` carries all of `parameters` (`as=Table`, ...).
  func accepts(_ parameters: [String]) -> Bool {
    accept.split(separator: ",").contains { range in
      let params = Set(range.split(separator: ";").map { String(Self.trimmed($0)) })
      return parameters.allSatisfy(params.contains)
    }
  }

  /// `text` without leading and trailing spaces and tabs (headers are ASCII; Foundation's
  /// trimming showed in the profile of a GET).
  static func trimmed(_ text: Substring) -> Substring {
    let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let first = text.firstIndex(where: { !blank($0) }) else { return "" }
    let last = text.lastIndex(where: { !blank($0) })!
    return text[first...last]
  }

  /// Whether the client asks for a `meta.k8s.io/v1` Table.
  var wantsTable: Bool { accepts(["as=Table", "g=meta.k8s.io", "v=v1"]) }

  /// The media type of the body, without parameters.
  var contentType: String {
    let raw = headers["content-type"] ?? "application/json"
    return raw.split(separator: ";").first.map { Self.trimmed($0).lowercased() } ?? raw
  }

  /// Whether `dryRun=All` was asked.
  var dryRun: Bool { query["dryRun"] == "All" }

  /// A boolean query parameter, read as Go's `strconv.ParseBool` reads it (`true`,
  /// `True`, `1`, `t`, ...: clients differ).
  func flag(_ name: String) -> Bool { RequestAttributes.isTrue(query[name]) }
}
