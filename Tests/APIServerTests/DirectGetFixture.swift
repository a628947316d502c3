import Admission
import Crypto
import Logging
import Objects
import Store

@testable import APIServer

/// A store with ConfigMap `default/a`, alice allowed to get ConfigMaps, bob not, a
/// token-file user named like a ServiceAccount, a ServiceAccount token issuer, and the
/// `DirectGet` over them, for the event-loop GET tests.
struct DirectGetFixture {
  let f: RBACTestStore
  let handler: APIHandler
  let trail: RequestAuditTrail
  let direct: DirectGet
  let authenticator: TokenAuthenticator
  /// The issuer of ServiceAccount tokens `authenticator` accepts.
  let accounts = ServiceAccountTokens(key: P256.Signing.PrivateKey())

  init(auditLog: AuditLog? = nil) async throws {
    f = try RBACTestStore()
    try await f.namespace("default")
    var cm = Object(apiVersion: "v1", kind: "ConfigMap", name: "a", namespace: "default")
    cm.value["data"] = ["k": "v"]
    _ = try await f.store.create(cm, context: f.admin)
    try await f.clusterRole(
      "reader", [["apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]]])
    try await f.clusterRoleBinding(
      "alice-reads", role: "reader", [["kind": "User", "name": "alice"]])
    let rbac = RBACAuthorizer(store: f.store, defaults: [])
    handler = APIHandler(
      store: f.store, serverAddress: "127.0.0.1:0", mooringVersion: "test", authorizer: rbac,
      logger: Logger(label: "test"))
    var authenticator = TokenAuthenticator()
    authenticator.serviceAccounts = accounts
    authenticator.add(token: "alice-token", user: AdmissionUserInfo(username: "alice"))
    authenticator.add(token: "bob-token", user: AdmissionUserInfo(username: "bob"))
    authenticator.add(
      token: "sa-token",
      user: AdmissionUserInfo(username: "system:serviceaccount:default:reader"))
    self.authenticator = authenticator
    trail = RequestAuditTrail(store: f.store, logger: Logger(label: "test"))
    direct = DirectGet(
      handler: handler, authenticator: authenticator,
      recorder: RequestRecorder(metrics: false, auditLog: auditLog, requestTrail: trail))
  }

  /// The general path's answer to alice's GET of `default/a` (which also reads the RBAC
  /// policy at the current revision, as the first request after a write does).
  func generalAnswer() async -> APIResponse {
    await handler.handle(
      APIRequest(
        method: "GET", path: "/api/v1/namespaces/default/configmaps/a",
        user: AdmissionUserInfo(username: "alice")))
  }
}
