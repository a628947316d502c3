import Crypto
import Foundation
import Objects
import Store

/// Push notifications from a git host: `POST /hooks/gitrepositories/NAMESPACE/NAME`
/// requests an immediate fetch of that GitRepository and a reconcile of every Sync that
/// reads it, instead of waiting for the interval.
///
/// The GitRepository opts in with `spec.webhook.secretRef.name`: a Secret in its namespace
/// whose `token` is the shared secret. A request proves it knows the token the way the
/// common hosts do: GitHub/Gitea/Forgejo's `X-Hub-Signature-256: sha256=HMAC(token, body)`,
/// GitLab's `X-Gitlab-Token: token`, or `Authorization: Bearer token`.
public struct WebhookReceiver: Sendable {
  let store: SQLiteStore

  public init(store: SQLiteStore) {
    self.store = store
  }

  /// The answer to a hook: an HTTP status and a message.
  public struct Outcome: Sendable, Equatable {
    public var status: Int
    public var message: String
  }

  /// Handles one notification; `headers` are keyed by lower-cased name.
  public func receive(
    namespace: String, name: String, headers: [String: String], body: [UInt8]
  ) async -> Outcome {
    let key = ObjectKey(GitRepositoryReconciler.repositories, namespace: namespace, name: name)
    guard let repository = try? await store.get(key) else {
      return Outcome(status: 404, message: "GitRepository \(namespace)/\(name) not found")
    }
    guard let secretName = repository.spec?[path: "webhook.secretRef.name"]?.stringValue else {
      return Outcome(
        status: 403,
        message:
          "webhooks are not enabled for GitRepository \(namespace)/\(name): set spec.webhook.secretRef.name"
      )
    }
    let secretKey = ObjectKey(
      GroupResource(group: "", resource: "secrets"), namespace: namespace, name: secretName)
    guard let secret = try? await store.get(secretKey), let token = Self.token(in: secret) else {
      return Outcome(
        status: 403,
        message: "the webhook Secret \(namespace)/\(secretName) does not exist or has no token")
    }
    guard Self.verify(headers: headers, body: body, token: token) else {
      return Outcome(status: 401, message: "the webhook request is not signed with the token")
    }
    let stamp = Timestamp.now()
    let context = WriteContext(actor: "system:webhook", source: "webhook")
    var requested = [key]
    let syncs = (try? await store.list(SyncReconciler.syncs, ListOptions()))?.items ?? []
    for sync in syncs {
      guard let spec = try? SyncSpec(sync), spec.sourceName == name,
        (spec.sourceNamespace ?? sync.namespace) == namespace
      else { continue }
      requested.append(
        ObjectKey(SyncReconciler.syncs, namespace: sync.namespace, name: sync.name ?? ""))
    }
    for target in requested {
      for _ in 0..<5 {
        guard var object = try? await store.get(target) else { break }
        var annotations = object.annotations
        annotations[SyncLabels.requestedAt] = stamp
        object.annotations = annotations
        if (try? await store.update(object, context: context)) != nil { break }
      }
    }
    return Outcome(
      status: 202,
      message:
        "reconcile requested for GitRepository \(namespace)/\(name) and \(requested.count - 1) Sync(s)"
    )
  }

  /// The token of a webhook Secret (`data.token`, base64, or `stringData.token`).
  static func token(in secret: Object) -> [UInt8]? {
    if let b = secret.value[path: "data.token"]?.stringValue, let d = Data(base64Encoded: b),
      !d.isEmpty
    {
      return Array(d)
    }
    if let s = secret.value[path: "stringData.token"]?.stringValue, !s.isEmpty {
      return Array(s.utf8)
    }
    return nil
  }

  /// Whether the request carries the token or a signature made with it.
  static func verify(headers: [String: String], body: [UInt8], token: [UInt8]) -> Bool {
    if let signature = headers["x-hub-signature-256"], signature.hasPrefix("sha256=") {
      let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: token))
      let hex = mac.map { String(format: "%02x", $0) }.joined()
      return constantTimeEqual(Array(hex.utf8), Array(signature.dropFirst(7).lowercased().utf8))
    }
    if let given = headers["x-gitlab-token"] {
      return constantTimeEqual(Array(given.utf8), token)
    }
    if let auth = headers["authorization"], auth.lowercased().hasPrefix("bearer ") {
      return constantTimeEqual(Array(auth.dropFirst(7).utf8), token)
    }
    return false
  }

  static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var diff: UInt8 = 0
    for i in a.indices { diff |= a[i] ^ b[i] }
    return diff == 0
  }
}
