import Admission
import Logging
import Objects
import Store
import Testing

@testable import APIServer

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

/// The timeout machinery itself: a deadline fires within a tick, a cancelled wait ends at
/// once, and nothing stays behind a finished request (a per-request 60 s sleep kept ~800
/// bytes per request for a minute).
@Suite struct RequestDeadlinesTests {
  @Test func deadlineFiresAndCancelledWaitsEndAtOnce() async throws {
    let deadlines = RequestDeadlines(tick: .milliseconds(10))
    let start = ContinuousClock.now
    try await deadlines.wait(until: start + .milliseconds(50))
    #expect(ContinuousClock.now - start >= .milliseconds(50))
    #expect(deadlines.count == 0)

    let waiting = Task { try await deadlines.wait(until: .now + .seconds(3600)) }
    try await Task.sleep(for: .milliseconds(20))
    #expect(deadlines.count == 1)
    waiting.cancel()
    await #expect(throws: CancellationError.self) { try await waiting.value }
    #expect(deadlines.count == 0)

    // Cancelled before it even started waiting.
    let early = Task {
      withUnsafeCurrentTask { $0?.cancel() }
      try await deadlines.wait(until: .now + .seconds(3600))
    }
    await #expect(throws: CancellationError.self) { try await early.value }
    #expect(deadlines.count == 0)
  }

  @Test func finishedRequestsLeaveNoWaiterBehind() async throws {
    let f = try RBACTestStore()
    let handler = APIHandler(
      store: f.store, serverAddress: "127.0.0.1:0", mooringVersion: "test",
      logger: Logger(label: "test"))
    for _ in 0..<500 {
      let r = await handler.handle(
        APIRequest(
          method: "GET", path: "/healthz",
          user: AdmissionUserInfo(username: "admin", groups: ["system:masters"])))
      #expect(r.status == 200)
    }
    #expect(handler.deadlines.count == 0)
  }
}
