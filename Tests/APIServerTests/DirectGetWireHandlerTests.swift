import Foundation
import HummingbirdCore
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import Testing

@testable import APIServer

/// The event-loop GET in front of NIO's HTTP/1.1 decoder, in the pipeline Hummingbird
/// builds: whole answers written as bytes, heads split across reads, pipelined GETs, other
/// plain GETs passed on one by one in order, and the hand-over of the first other request
/// (and all after it) to the decoder.
@Suite struct DirectGetWireHandlerTests {
  let fixture: DirectGetFixture
  let channel: EmbeddedChannel
  let path = "/api/v1/namespaces/default/configmaps/a"

  init() async throws {
    fixture = try await DirectGetFixture()
    channel = EmbeddedChannel()
    let pipeline = channel.pipeline.syncOperations
    try pipeline.configureHTTPServerPipeline(
      withPipeliningAssistance: false, withErrorHandling: false)
    try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
    try pipeline.addHandler(DirectGetChannelHandler(fixture.direct))
  }

  func get(_ path: String, _ extra: String = "") -> String {
    "GET \(path) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer alice-token\r\n\(extra)\r\n"
  }

  /// Everything written to the socket so far.
  func written() throws -> String {
    var out = ""
    while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
      out += String(buffer: buffer)
    }
    return out
  }

  /// The paths of the requests passed on to Hummingbird.
  func passedOn() throws -> [String] {
    var paths: [String] = []
    while let part = try channel.readInbound(as: HTTPRequestPart.self) {
      if case .head(let head) = part { paths.append(head.path ?? "") }
    }
    return paths
  }

  var wireHandlerPresent: Bool {
    (try? channel.pipeline.syncOperations.context(handlerType: DirectGetWireHandler.self)) != nil
  }

  @Test func answersWholeGETsAsTheGeneralPathDoes() async throws {
    let general = await fixture.generalAnswer()
    #expect(wireHandlerPresent)
    try channel.writeInbound(ByteBuffer(string: get(path)))
    let wire = try written()
    let body = String(decoding: general.bytes, as: UTF8.self)
    let date = try #require(wire.firstRange(of: "Date: ")).upperBound
    let dateValue = wire[date...].prefix { $0 != "\r\n" }
    #expect(
      wire
        == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + "Content-Length: \(general.bytes.count)\r\nDate: \(dateValue)\r\n"
        + "Server: mooring\r\n\r\n\(body)")
    #expect(dateValue.hasSuffix(" GMT"))
    #expect(try passedOn().isEmpty)
    #expect(fixture.trail.flush() == 1)
  }

  @Test func readsHeadsSplitAcrossReadsAndPipelined() async throws {
    _ = await fixture.generalAnswer()
    let request = get(path, "Accept: application/json\r\n")
    let cut = request.index(request.startIndex, offsetBy: 30)
    try channel.writeInbound(ByteBuffer(string: String(request[..<cut])))
    #expect(try written().isEmpty)
    try channel.writeInbound(ByteBuffer(string: String(request[cut...]) + request + request))
    let wire = try written()
    #expect(wire.components(separatedBy: "HTTP/1.1 200 OK\r\n").count == 4, "\(wire)")
    #expect(try passedOn().isEmpty)
    #expect(wireHandlerPresent)
    #expect(fixture.trail.flush() == 3)
  }

  @Test func passesOnOtherPlainGETsOneByOneAndStays() async throws {
    _ = await fixture.generalAnswer()
    let list = "/api/v1/namespaces/default/configmaps"
    // One answered here, then a list: the list goes to the decoder alone, and the GET
    // behind it too, since the list is still being answered (request order).
    try channel.writeInbound(ByteBuffer(string: get(path) + get(list) + get(path)))
    #expect(try written().components(separatedBy: "HTTP/1.1 200 OK").count == 2)
    #expect(try passedOn() == [list, path])
    #expect(wireHandlerPresent)
    // One answer ended, one still in progress: the next GET goes behind it.
    try channel.writeOutbound(HTTPResponsePart.end(nil))
    #expect(try written().isEmpty)
    try channel.writeInbound(ByteBuffer(string: get(path)))
    #expect(try passedOn() == [path])
    // All ended: answered here again, before the decoder.
    try channel.writeOutbound(HTTPResponsePart.end(nil))
    try channel.writeOutbound(HTTPResponsePart.end(nil))
    _ = try written()
    try channel.writeInbound(ByteBuffer(string: get(path)))
    #expect(try written().hasPrefix("HTTP/1.1 200 OK\r\n"))
    #expect(try passedOn().isEmpty)
    #expect(fixture.trail.flush() == 2)  // the two answered here
  }

  @Test func passesOnGETsItCannotAnswerAndStays() async throws {
    _ = await fixture.generalAnswer()
    for (request, expected) in [
      (get(path + "?pretty=true"), path + "?pretty=true"),
      (get(path).replacingOccurrences(of: "alice", with: "bob"), path),  // forbidden
      (get("/healthz"), "/healthz"),
    ] {
      try channel.writeInbound(ByteBuffer(string: request))
      #expect(try passedOn() == [expected], "\(request.debugDescription)")
      #expect(wireHandlerPresent)
      try channel.writeOutbound(HTTPResponsePart.end(nil))
      _ = try written()
    }
  }

  @Test func leavesOtherConnectionsToTheDecoderFromTheStart() async throws {
    _ = await fixture.generalAnswer()
    for (request, expected) in [
      (get(path, "Connection: close\r\n"), path),
      ("POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", path),
      (get(path, "Upgrade: websocket\r\n"), path),
      (get(path, "Proxy-Connection: close\r\n"), path),
      (get(path, "Expect: 100-continue\r\n"), path),
      // GETs with a body: the general path reads it, and bounds it.
      (get(path, "Content-Length: 5\r\n") + "hello", path),
      (get(path, "Transfer-Encoding: chunked\r\n") + "5\r\nhello\r\n0\r\n\r\n", path),
    ] {
      let c = EmbeddedChannel()
      let pipeline = c.pipeline.syncOperations
      try pipeline.configureHTTPServerPipeline(
        withPipeliningAssistance: false, withErrorHandling: false)
      try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
      try pipeline.addHandler(DirectGetChannelHandler(fixture.direct))
      try c.writeInbound(ByteBuffer(string: request))
      var paths: [String] = []
      while let part = try c.readInbound(as: HTTPRequestPart.self) {
        if case .head(let head) = part { paths.append(head.path ?? "") }
      }
      #expect(paths == [expected], "\(request.debugDescription)")
      #expect(try c.readOutbound(as: ByteBuffer.self) == nil)
      #expect((try? pipeline.context(handlerType: DirectGetWireHandler.self)) == nil)
    }
  }

  @Test func leavesAFoldedHeaderToTheDecoderWhichRefusesIt() async throws {
    _ = await fixture.generalAnswer()
    #expect(throws: (any Error).self) {
      try channel.writeInbound(ByteBuffer(string: get(path, "X-Folded: a\r\n b\r\n")))
    }
    #expect(try written().isEmpty)
    #expect(!wireHandlerPresent)
  }

  @Test func passesOnGETsWhileTheConnectionTakesNoOutput() async throws {
    _ = await fixture.generalAnswer()
    channel.isWritable = false
    try channel.writeInbound(ByteBuffer(string: get(path)))
    #expect(try written().isEmpty)
    #expect(try passedOn() == [path])
    #expect(wireHandlerPresent)
  }

  @Test func leavesTheShutdownToHummingbirdWhileItAnswers() async throws {
    _ = await fixture.generalAnswer()
    try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
    try channel.writeInbound(ByteBuffer(string: get("/api/v1/namespaces/default/configmaps")))
    #expect(try passedOn().count == 1)
    channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
    // Passed on (Hummingbird closes once its answer is out); nothing more answered here.
    #expect(channel.isActive)
    try channel.writeInbound(ByteBuffer(string: get(path)))
    #expect(try passedOn() == [path])
    #expect(try written().isEmpty)
  }

  @Test func leavesAnOversizedHeadToTheDecoder() async throws {
    _ = await fixture.generalAnswer()
    let big = "X-Big: " + String(repeating: "a", count: DirectGetWireHandler.maxHeadBytes) + "\r\n"
    let request = get(path, big)
    // Without its final CRLF (one Character).
    try channel.writeInbound(ByteBuffer(string: String(request.dropLast())))
    #expect(!wireHandlerPresent)
    try channel.writeInbound(ByteBuffer(string: "\r\n"))
    // Decoded whole, it is a GET DirectGetChannelHandler answers.
    #expect(try written().hasPrefix("HTTP/1.1 200 OK\r\n"))
  }

  var wireHandler: DirectGetWireHandler? {
    try? channel.pipeline.syncOperations.handler(type: DirectGetWireHandler.self)
  }

  @Test func keepsOnlyTheUnreadTailOfHeadsSplitAcrossReads() async throws {
    _ = await fixture.generalAnswer()
    let bytes = Array(String(repeating: get(path), count: 200).utf8)
    var answers = 0
    for start in stride(from: 0, to: bytes.count, by: 7) {
      try channel.writeInbound(ByteBuffer(bytes: bytes[start..<min(start + 7, bytes.count)]))
      answers += try written().components(separatedBy: "HTTP/1.1 200 OK\r\n").count - 1
      // A read ending inside a head keeps that head's bytes, not all read before it.
      #expect((wireHandler?.heldBytes ?? .max) <= 4096)
    }
    #expect(answers == 200)
    #expect(fixture.trail.flush() == 200)
  }

  @Test func handsAPartialHeadToTheDecoderWhenTheClientStopsSending() async throws {
    try channel.writeInbound(ByteBuffer(string: "GET /api/v1/namespaces/def"))
    #expect(try written().isEmpty)
    channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
    // The decoder got the bytes, and finds the message cut short.
    #expect(throws: (any Error).self) { try channel.throwIfErrorCaught() }
  }

  @Test func closesOnceItsAnswersAreOutAtShutdown() async throws {
    _ = await fixture.generalAnswer()
    try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
    let socket = WriteHolder()
    try channel.pipeline.syncOperations.addHandler(socket, position: .first)
    try channel.writeInbound(ByteBuffer(string: get(path)))
    #expect(socket.count == 1)
    // Shutting down while the answer is not out: the connection stays until it is.
    channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
    #expect(channel.isActive)
    // Nothing more is answered, or passed on.
    try channel.writeInbound(ByteBuffer(string: get(path)))
    #expect(try passedOn().isEmpty)
    socket.release(context: try channel.pipeline.syncOperations.context(handler: socket))
    #expect(try written().hasPrefix("HTTP/1.1 200 OK\r\n"))
    #expect(!channel.isActive)
  }
}

extension DirectGetWireHandlerTests {
  @Test func isInstalledInHummingbirdsHTTP1Pipeline() async throws {
    _ = await fixture.generalAnswer()
    let direct = fixture.direct
    let http1 = HTTP1Channel(
      responder: { _, _, _ in },
      configuration: HTTP1Channel.Configuration(
        additionalChannelHandlers: [DirectGetChannelHandler(direct)]))
    let c = EmbeddedChannel()
    _ = try await http1.setup(channel: c, logger: Logger(label: "test")).get()
    #expect((try? c.pipeline.syncOperations.context(handlerType: DirectGetWireHandler.self)) != nil)
    // In front of the encoder: its answer reaches the socket as the bytes it wrote.
    try c.writeInbound(ByteBuffer(string: get(path)))
    let out = try #require(try c.readOutbound(as: ByteBuffer.self))
    #expect(String(buffer: out).hasPrefix("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"))
  }
}
