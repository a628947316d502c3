import APIServer
import Admission
import Logging
import Objects
import Store
import Testing

/// Writes with Kubernetes protobuf bodies through the API, as client-go's leader election
/// makes them: a Lease created, then renewed with an update that carries its
/// resourceVersion (a stale one is a Conflict).
@Suite struct ProtobufWriteTests {
  static let user = AdmissionUserInfo(username: "admin", groups: ["system:masters"])
  static let path = "/apis/coordination.k8s.io/v1/namespaces/default/leases"

  static func lease(resourceVersion: String? = nil, renewed seconds: Int64) -> [UInt8] {
    var meta = Proto.string(1, "leader") + Proto.string(3, "default")
    if let resourceVersion { meta += Proto.string(6, resourceVersion) }
    let spec =
      Proto.string(1, "pod-a") + ProtobufEnvelopeTests.varintField(2, 15)
      + ProtobufEnvelopeTests.timestamp(4, seconds: seconds, nanos: 250_000_000)
    return Proto.envelope(
      apiVersion: "coordination.k8s.io/v1", kind: "Lease",
      raw: Proto.field(1, meta) + Proto.field(2, spec))
  }

  func send(_ handler: APIHandler, _ method: String, _ path: String, _ body: [UInt8]) async
    -> (Int, Value?)
  {
    let response = await handler.handle(
      APIRequest(
        method: method, path: path,
        headers: ["content-type": ProtobufEnvelope.mediaType, "accept": "application/json"],
        body: body, user: Self.user))
    return (response.status, try? JSON.decode(response.bytes))
  }

  @Test func leaderElectionCreatesAndRenewsALease() async throws {
    let f = try RBACTestStore()
    try await f.namespace("default")
    let handler = APIHandler(
      store: f.store, serverAddress: "127.0.0.1:0", mooringVersion: "test",
      logger: Logger(label: "test"))
    let (created, lease) = await send(
      handler, "POST", Self.path, Self.lease(renewed: 1_764_979_200))
    #expect(created == 201, "\(String(describing: lease))")
    #expect(lease?[path: "spec.holderIdentity"] == "pod-a")
    #expect(lease?[path: "spec.renewTime"] == "2025-12-06T00:00:00.250000Z")
    let version = try #require(lease?[path: "metadata.resourceVersion"]?.stringValue)

    let (renewed, after) = await send(
      handler, "PUT", Self.path + "/leader",
      Self.lease(resourceVersion: version, renewed: 1_764_979_210))
    #expect(renewed == 200, "\(String(describing: after))")
    #expect(after?[path: "spec.renewTime"] == "2025-12-06T00:00:10.250000Z")
    let stored = try await f.store.get(
      ObjectKey(
        GroupResource(group: "coordination.k8s.io", resource: "leases"), namespace: "default",
        name: "leader"))
    #expect(stored.value[path: "spec.leaseDurationSeconds"] == 15)

    // Another candidate renewing from the old version loses.
    let (conflict, status) = await send(
      handler, "PUT", Self.path + "/leader",
      Self.lease(resourceVersion: version, renewed: 1_764_979_220))
    #expect(conflict == 409, "\(String(describing: status))")
  }
}
