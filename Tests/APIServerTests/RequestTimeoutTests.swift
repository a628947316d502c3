import APIServer
import Admission
import Logging
import Objects
import Store
import Testing

/// A request that outlives the handler's timeout is answered 504 Timeout, as
/// kube-apiserver answers, without waiting for it.
@Suite struct RequestTimeoutTests {
  @Test func aSlowRequestGetsA504() async throws {
    let f = try RBACTestStore()
    let handler = APIHandler(
      store: f.store, serverAddress: "127.0.0.1:0", mooringVersion: "test",
      requestTimeout: .milliseconds(100),
      webhook: { _, _, _, _ in
        try? await Task.sleep(for: .seconds(60))
        return (200, "late")
      }, logger: Logger(label: "test"))
    let start = ContinuousClock.now
    let response = await handler.handle(
      APIRequest(
        method: "POST", path: "/hooks/gitrepositories/default/repo",
        user: AdmissionUserInfo(username: "admin", groups: ["system:masters"])))
    #expect(response.status == 504)
    let status = try JSON.decode(response.bytes)
    #expect(status["reason"] == "Timeout")
    // Far less than the webhook's minute (other suites running at once can delay the timer).
    #expect(ContinuousClock.now - start < .seconds(30), "answered without waiting")
  }
}
