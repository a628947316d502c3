import Foundation
import Objects
import Store

extension ResourceCall {
  /// `POST .../serviceaccounts/NAME/token` (TokenRequest, JSON or the protobuf
  /// `kubectl create token` sends): a signed token for the ServiceAccount.
  func createToken(_ tokens: ServiceAccountTokens) async throws -> APIResponse {
    guard request.method == "POST" else {
      throw APIError.methodNotAllowed(request.method, "serviceaccounts/token")
    }
    let account = try await store.get(key)
    var body: Value = .map([:])
    if request.contentType == ProtobufEnvelope.mediaType {
      do {
        body = try ProtobufEnvelope.decode(request.body)
      } catch {
        throw APIError.badRequest("\(error)")
      }
    } else if !request.body.isEmpty {
      body = try decodeBody(expecting: "TokenRequest")
    }
    let audiences = (body[path: "spec.audiences"]?.listValue ?? []).compactMap(\.stringValue)
    let requested = body[path: "spec.expirationSeconds"]?.intValue ?? 3600
    guard requested >= 600 else {
      throw APIError.invalid(
        kind: "TokenRequest", group: "authentication.k8s.io", name: key.name,
        errors: [
          .invalid(
            ValuePath(keys: "spec", "expirationSeconds"), .int(requested),
            "may not specify a duration less than 10 minutes")
        ])
    }
    let seconds = min(requested, 48 * 3600)
    let now = Date()
    let token = try tokens.issue(
      namespace: key.namespace ?? "", name: key.name, uid: account.uid ?? "",
      audiences: audiences, seconds: seconds, now: now)
    let expiry = ISO8601DateFormatter().string(from: now.addingTimeInterval(Double(seconds)))
    var spec: ValueMap = [
      "audiences": .list(
        (audiences.isEmpty ? [ServiceAccountTokens.apiAudience] : audiences).map(Value.string)),
      "expirationSeconds": .int(seconds),
    ]
    if let bound = body[path: "spec.boundObjectRef"] { spec["boundObjectRef"] = bound }
    return .json(
      [
        "kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
        "metadata": [
          "name": .string(key.name), "namespace": .string(key.namespace ?? ""),
          "creationTimestamp": .null,
        ],
        "spec": .map(spec),
        "status": ["token": .string(token), "expirationTimestamp": .string(expiry)],
      ], status: 201)
  }
}
