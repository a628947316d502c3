import Admission
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Objects
import Store
import Testing

@testable import APIServer

/// GETs of one object answered on the event loop: answered exactly as the general path
/// answers them, recorded in the request trail, and everything the shortcut cannot
/// decide (errors, queries, ServiceAccount tokens not verified yet or whose account is
/// gone, RBAC not yet read, requests behind one still being answered) passed on unchanged.
@Suite struct DirectGetTests {
  let fixture: DirectGetFixture
  let handler: APIHandler
  let trail: RequestAuditTrail
  let channel: EmbeddedChannel
  var f: RBACTestStore { fixture.f }

  init() async throws {
    fixture = try await DirectGetFixture()
    handler = fixture.handler
    trail = fixture.trail
    channel = EmbeddedChannel(handler: DirectGetChannelHandler(fixture.direct))
  }

  func send(
    _ path: String, token: String = "alice-token", body: Bool = false, close: Bool = false
  ) throws {
    var fields = HTTPFields()
    fields[.authorization] = "Bearer \(token)"
    if body { fields[.contentLength] = "2" }
    if close { fields[.connection] = "close" }
    let head = HTTPRequest(
      method: .get, scheme: nil, authority: "x", path: path, headerFields: fields)
    try channel.writeInbound(HTTPRequestPart.head(head))
    if body { try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "{}"))) }
    try channel.writeInbound(HTTPRequestPart.end(nil))
  }

  /// The response written by the handler, if any: status, headers, body.
  func answered() throws -> (HTTPResponse, [UInt8])? {
    guard case .head(let head)? = try channel.readOutbound(as: HTTPResponsePart.self) else {
      return nil
    }
    guard case .body(let buffer)? = try channel.readOutbound(as: HTTPResponsePart.self),
      case .end? = try channel.readOutbound(as: HTTPResponsePart.self)
    else {
      Issue.record("the response is not head, body, end")
      return nil
    }
    return (head, Array(buffer.readableBytesView))
  }

  /// The request parts passed on to the general path.
  func passedOn() throws -> [String] {
    var paths: [String] = []
    while let part = try channel.readInbound(as: HTTPRequestPart.self) {
      if case .head(let head) = part { paths.append(head.path ?? "") }
    }
    return paths
  }

  @Test func answersTheStoredObjectAndRecordsIt() async throws {
    // The general path reads the RBAC policy at the current revision first.
    let general = await fixture.generalAnswer()
    #expect(general.status == 200)
    try send("/api/v1/namespaces/default/configmaps/a")
    let (head, body) = try #require(try answered())
    #expect(head.status == .ok)
    #expect(body == general.bytes)
    #expect(head.headerFields[.contentType] == "application/json")
    #expect(head.headerFields[.contentLength] == String(body.count))
    #expect(head.headerFields[.server] == "mooring")
    #expect(head.headerFields[.date]?.hasSuffix(" GMT") == true)
    #expect(try passedOn().isEmpty)

    #expect(trail.flush() == 1)
    let records = try f.store.requests(AuditQuery())
    #expect(records.count == 1)
    #expect(records.first?.user == "alice")
    #expect(records.first?.verb == "get")
    #expect(records.first?.name == "a")
    #expect(records.first?.code == 200)
  }

  @Test func passesOnWhatItCannotDecide() async throws {
    // No policy read yet at this revision: passed on, the general path decides.
    try send("/api/v1/namespaces/default/configmaps/a")
    #expect(try answered() == nil)
    #expect(try passedOn() == ["/api/v1/namespaces/default/configmaps/a"])
    try channel.writeOutbound(HTTPResponsePart.end(nil))
    _ = try channel.readOutbound(as: HTTPResponsePart.self)

    _ = try await handler.rbac?.policy()
    for (path, token) in [
      ("/api/v1/namespaces/default/configmaps/a", "bob-token"),  // forbidden: 403 there
      ("/api/v1/namespaces/default/configmaps/a", "sa-token"),  // ServiceAccount check
      ("/api/v1/namespaces/default/configmaps/a", "wrong"),  // 401 there
      ("/api/v1/namespaces/default/configmaps/missing", "alice-token"),  // 404 there
      ("/api/v1/namespaces/default/configmaps/a?pretty=true", "alice-token"),
      ("/api/v1/namespaces/default/configmaps", "alice-token"),  // a list
      ("/api/v1/namespaces/default/widgets/a", "alice-token"),  // unknown kind
    ] {
      try send(path, token: token)
      #expect(try answered() == nil, "\(path) as \(token)")
      #expect(try passedOn() == [path], "\(path) as \(token)")
      try channel.writeOutbound(HTTPResponsePart.end(nil))
      _ = try channel.readOutbound(as: HTTPResponsePart.self)
    }
  }

  @Test func answersInRequestOrder() async throws {
    _ = try await handler.rbac?.policy()
    // A request passed on is still being answered: the next one waits behind it.
    try send("/api/v1/namespaces/default/configmaps")
    try send("/api/v1/namespaces/default/configmaps/a")
    #expect(try answered() == nil)
    #expect(
      try passedOn() == [
        "/api/v1/namespaces/default/configmaps", "/api/v1/namespaces/default/configmaps/a",
      ])
    // Both answers ended: the next GET is answered here again.
    try channel.writeOutbound(HTTPResponsePart.end(nil))
    try channel.writeOutbound(HTTPResponsePart.end(nil))
    while try channel.readOutbound(as: HTTPResponsePart.self) != nil {}
    try send("/api/v1/namespaces/default/configmaps/a")
    #expect(try answered()?.0.status == .ok)
    // A GET with a body: the general path reads (and bounds) it.
    try send("/api/v1/namespaces/default/configmaps/a", body: true)
    #expect(try answered() == nil)
    #expect(try passedOn() == ["/api/v1/namespaces/default/configmaps/a"])
    try channel.writeOutbound(HTTPResponsePart.end(nil))
    _ = try channel.readOutbound(as: HTTPResponsePart.self)
  }

  @Test func leavesFullAndClosingConnectionsToTheGeneralPath() async throws {
    _ = try await handler.rbac?.policy()
    let path = "/api/v1/namespaces/default/configmaps/a"
    // Output backed up: requests queue behind Hummingbird's backpressure instead.
    channel.isWritable = false
    try send(path)
    #expect(try answered() == nil)
    #expect(try passedOn() == [path])
    try channel.writeOutbound(HTTPResponsePart.end(nil))
    _ = try channel.readOutbound(as: HTTPResponsePart.self)
    channel.isWritable = true
    try send(path)
    #expect(try answered()?.0.status == .ok)
    // After a request that closes the connection, nothing more is answered here.
    try send(path, close: true)
    #expect(try passedOn() == [path])
    try channel.writeOutbound(HTTPResponsePart.end(nil))
    _ = try channel.readOutbound(as: HTTPResponsePart.self)
    try send(path)
    #expect(try answered() == nil)
    #expect(try passedOn() == [path])
    // Only the answer sent here was recorded by it.
    #expect(trail.flush() == 1)
  }

  @Test func answersVerifiedServiceAccountTokensWhileTheAccountExists() async throws {
    let account = try await f.store.create(
      Object(apiVersion: "v1", kind: "ServiceAccount", name: "robot", namespace: "default"),
      context: f.admin)
    try await f.clusterRoleBinding(
      "robot-reads", role: "reader",
      [["kind": "ServiceAccount", "name": "robot", "namespace": "default"]])
    let jwt = try fixture.accounts.issue(
      namespace: "default", name: "robot", uid: try #require(account.uid), audiences: [],
      seconds: 600)
    _ = try await handler.rbac?.policy()
    let path = "/api/v1/namespaces/default/configmaps/a"
    // Not verified yet: the general path checks the signature.
    try send(path, token: jwt)
    #expect(try answered() == nil)
    #expect(try passedOn() == [path])
    try channel.writeOutbound(HTTPResponsePart.end(nil))
    _ = try channel.readOutbound(as: HTTPResponsePart.self)
    // Once verified there, the same token's GETs are answered here.
    #expect(fixture.authenticator.authenticate(authorization: "Bearer \(jwt)") != nil)
    try send(path, token: jwt)
    let (head, _) = try #require(try answered())
    #expect(head.status == .ok)
    // The account deleted: its token speaks for no one, here or there.
    let robot = ObjectKey(
      GroupResource(group: "", resource: "serviceaccounts"), namespace: "default", name: "robot")
    _ = try await f.store.delete(robot, options: DeleteOptions(), context: f.admin)
    _ = try await handler.rbac?.policy()
    try send(path, token: jwt)
    #expect(try answered() == nil)
    #expect(try passedOn() == [path])
    try channel.writeOutbound(HTTPResponsePart.end(nil))
    _ = try channel.readOutbound(as: HTTPResponsePart.self)
    // Nor for an account re-created under the same name (another uid); the binding, which
    // names the account, would allow it.
    let again = try await f.store.create(
      Object(apiVersion: "v1", kind: "ServiceAccount", name: "robot", namespace: "default"),
      context: f.admin)
    #expect(again.uid != account.uid)
    _ = try await handler.rbac?.policy()
    try send(path, token: jwt)
    #expect(try answered() == nil)
    #expect(try passedOn() == [path])
    let fresh = try fixture.accounts.issue(
      namespace: "default", name: "robot", uid: try #require(again.uid), audiences: [],
      seconds: 600)
    #expect(fixture.authenticator.authenticate(authorization: "Bearer \(fresh)") != nil)
    try channel.writeOutbound(HTTPResponsePart.end(nil))
    _ = try channel.readOutbound(as: HTTPResponsePart.self)
    try send(path, token: fresh)
    #expect(try answered()?.0.status == .ok)
    #expect(
      !handler.serviceAccountExists(
        fixture.authenticator.authenticate(
          authorization: "Bearer \(jwt)")!))
  }

  @Test func closesOnceItsAnswersAreOutAtShutdown() async throws {
    _ = try await handler.rbac?.policy()
    try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
    let socket = WriteHolder()
    try channel.pipeline.syncOperations.addHandler(socket, position: .first)
    try send("/api/v1/namespaces/default/configmaps/a")
    #expect(socket.count == 3)  // head, body, end: not out yet
    channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
    #expect(channel.isActive)
    try send("/api/v1/namespaces/default/configmaps/a")
    #expect(try passedOn().isEmpty)
    socket.release(context: try channel.pipeline.syncOperations.context(handler: socket))
    #expect(try answered()?.0.status == .ok)
    #expect(!channel.isActive)
  }
}
