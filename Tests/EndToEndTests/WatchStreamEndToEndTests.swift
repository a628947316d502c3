import Foundation
import Testing

/// Watch streams on the wire: streaming lists (`sendInitialEvents`), resuming from a
/// resourceVersion, and the time limit.
@Suite struct WatchStreamEndToEndTests {
  @Test func streamingListEndsInitialEventsWithABookmark() async throws {
    let c = try await KubectlEndToEndTests.Cluster()
    let orgs = "/apis/resourcemanager.mooring.dev/v1alpha1/organizations"
    for name in ["a", "b"] {
      let created = try c.curl(
        "POST", orgs,
        body:
          "{\"apiVersion\":\"resourcemanager.mooring.dev/v1alpha1\",\"kind\":\"Organization\",\"metadata\":{\"name\":\"\(name)\"}}"
      )
      #expect(created.code == 201)
    }
    let stream = try c.curl(
      "GET", orgs + "?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&timeoutSeconds=1")
    let events = stream.body.split(separator: "\n").map { String($0) }
    #expect(events.count == 3, "\(stream.body)")
    #expect(events.prefix(2).allSatisfy { $0.hasPrefix("{\"type\":\"ADDED\"") })
    #expect(events.last?.contains("\"type\":\"BOOKMARK\"") == true)
    #expect(events.last?.contains("\"k8s.io/initial-events-end\":\"true\"") == true)

    let refused = try c.curl("GET", orgs + "?watch=1&sendInitialEvents=true")
    #expect(refused.code == 422, "\(refused)")

    // From the first object's revision: only what came after it.
    let first = try c.kubectl(["get", "org", "a", "-o", "jsonpath={.metadata.resourceVersion}"])
    let resumed = try c.curl(
      "GET", orgs + "?watch=1&resourceVersion=\(first.stdout)&timeoutSeconds=1")
    let later = resumed.body.split(separator: "\n")
    #expect(later.count == 1, "\(resumed.body)")
    #expect(later.first?.contains("\"name\":\"b\"") == true)
  }
}
