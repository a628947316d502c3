import Foundation
import HTTPTypes
import Objects
import Store

/// GET of one object answered on the event loop that read the request, without a task:
/// the commonest request (controllers and clients reading an object) and the one a hop
/// to Swift concurrency and back cost the most for.
///
/// It answers only what it can answer exactly as the general path would, and without
/// waiting on anything but indexed reads: the user of a token-file token, of a
/// ServiceAccount token verified before (the signature check is the general path's; the
/// account must still exist, one more read) or the identity of requests without
/// credentials; RBAC allowing it by the policy already read at the store's current
/// revision; a served kind and version, no query, no body, no Table, and the object found
/// with its stored bytes already in the asked apiVersion. With `--audit-log-path` (a file
/// write per request) it answers nothing. Anything else, every error included, goes the
/// general way.
struct DirectGet: Sendable {
  let handler: APIHandler
  let authenticator: TokenAuthenticator
  let recorder: RequestRecorder

  /// An answer made here, recorded once it is sent.
  struct Answer {
    var response: APIResponse
    var request: APIRequest
    var received: Date
  }

  /// The answer to a request with this head; nil when it must take the general path.
  func answer(_ head: HTTPRequest, remoteAddress: String?) -> Answer? {
    guard head.method == .get, let uri = head.path, Self.mayAnswer(uri) else { return nil }
    return answer(
      get: uri, headers: APIRequest.headers(head.headerFields), remoteAddress: remoteAddress)
  }

  /// Whether a request with `headers` is a plain one: no body (which the general path
  /// reads, and bounds), no upgrade or expectation, and a connection that stays open (NIO's
  /// decoder reads Proxy-Connection as Connection).
  static func isPlain(_ headers: [String: String]) -> Bool {
    if let connection = headers["connection"], connection.lowercased() != "keep-alive" {
      return false
    }
    return headers["proxy-connection"] == nil && headers["transfer-encoding"] == nil
      && (headers["content-length"] ?? "0") == "0" && headers["upgrade"] == nil
      && headers["expect"] == nil
  }

  /// Whether a GET of `uri` may be answered here at all: an API path without a query.
  static func mayAnswer(_ uri: String) -> Bool {
    uri.hasPrefix("/api") && !uri.utf8.contains(UInt8(ascii: "?"))
  }

  /// The answer to a GET of `uri` (passed by `mayAnswer`) with `headers` (by lower-case
  /// name, repeated fields joined with commas); nil when it must take the general path.
  func answer(get uri: String, headers: [String: String], remoteAddress: String?) -> Answer? {
    let received = Date()
    guard Self.isPlain(headers) else { return nil }
    // A ServiceAccount token speaks for its account only while that exists (the same one).
    guard let user = authenticator.eventLoopUser(authorization: headers["authorization"]),
      handler.serviceAccountExists(user)
    else { return nil }
    var request = APIRequest(method: "GET", path: uri, headers: headers, user: user)
    guard case .resource(let path)? = request.target, let name = path.name,
      path.subresource == nil, !AccessReviewHandler.serves(path)
    else { return nil }
    let store = handler.store
    guard
      let type = store.registry.type(
        for: GroupResource(group: path.group, resource: path.resource)),
      type.versions.contains(path.version), type.namespaced == (path.namespace != nil)
    else { return nil }
    request.sourceAddress = remoteAddress
    guard !request.wantsTable else { return nil }
    if let rbac = handler.rbac {
      guard let policy = rbac.policy(ifCurrentAt: store.latestRevision),
        policy.authorize(RequestAttributes(request)).allowed
      else { return nil }
    }
    let key = ObjectKey(type.groupResource, namespace: path.namespace, name: name)
    guard let data = try? store.readStoredJSON(key),
      data.starts(with: ResourceCall.storedPrefix(apiVersion: path.apiVersion))
    else { return nil }
    return Answer(
      response: APIResponse(
        status: 200, headers: [("Content-Type", "application/json")], body: .bytes(Array(data))),
      request: request, received: received)
  }

  /// Records a sent answer as the general path records its answers.
  func record(_ answer: Answer) {
    recorder.record(answer.request, answer.response, received: answer.received)
  }
}
