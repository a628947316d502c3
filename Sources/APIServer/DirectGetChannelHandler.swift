import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Sits in each connection's pipeline between HTTP decoding and Hummingbird: answers the
/// GETs `DirectGet` can answer on the event loop, and passes everything else on.
///
/// HTTP/1.1 answers go out in request order: a request is answered here only when no
/// request passed on before it still waits for the end of its response. Nothing is
/// answered here while the connection cannot take more output (requests then queue in
/// Hummingbird, whose reads follow the writes), nor after a request that asked to close
/// the connection.
final class DirectGetChannelHandler: ChannelDuplexHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPRequestPart
  typealias InboundOut = HTTPRequestPart
  typealias OutboundIn = HTTPResponsePart
  typealias OutboundOut = HTTPResponsePart

  private let direct: DirectGet
  /// Requests passed on whose response has not ended yet.
  private var passedOn = 0
  /// A request passed on asked to close the connection, or the server is shutting down:
  /// everything after it passes on.
  private var closing = false
  /// Shutting down with nothing passed on in progress: the connection closes once the
  /// answers written here are out, and reads nothing more.
  private var quiescing = false
  /// When the last answer written here is out.
  private var lastSent: EventLoopFuture<Void>?
  /// The answer to the request being read, when it is answered here.
  private var answer: DirectGet.Answer?
  private var date = HTTPDateHeader.Cache()

  init(_ direct: DirectGet) { self.direct = direct }

  /// Requests passed on to Hummingbird whose answer has not ended.
  var inProgress: Int { passedOn }

  /// On an HTTP/1.1 connection, also puts a `DirectGetWireHandler` in front of NIO's
  /// HTTP/1.1 encoder and decoder, so that it reads the bytes before the decoder and its
  /// writes skip the encoder. (Hummingbird adds this handler behind the decoder and the
  /// conversion to HTTP types; HTTP/2 streams have neither and get none.)
  func handlerAdded(context: ChannelHandlerContext) {
    let pipeline = context.pipeline.syncOperations
    guard
      let encoder = try? pipeline.context(handlerType: HTTPResponseEncoder.self),
      (try? pipeline.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self)) != nil
    else { return }
    try? pipeline.addHandler(
      DirectGetWireHandler(direct, downstream: self), position: .before(encoder.handler))
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if !quiescing, event is ChannelShouldQuiesceEvent {
      closing = true  // nothing more is answered here
      if passedOn == 0 {
        // Hummingbird has no request in progress, so it would close the connection at
        // once, failing answers written here and not yet sent: close it once they are out.
        quiescing = true
        let channel = context.channel
        if let lastSent {
          lastSent.whenComplete { _ in channel.close(promise: nil) }
        } else {
          channel.close(promise: nil)
        }
        return
      }
    }
    context.fireUserInboundEventTriggered(event)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    if quiescing { return }
    let part = unwrapInboundIn(data)
    switch part {
    case .head(let head):
      if passedOn == 0, !closing, context.channel.isWritable,
        let answer = direct.answer(
          head, remoteAddress: context.channel.remoteAddress?.ipAddress)
      {
        self.answer = answer
        return
      }
      passedOn += 1
      if let connection = head.headerFields[.connection],
        connection.lowercased().contains("close")
      {
        closing = true
      }
    case .body:
      if answer != nil { return }
    case .end:
      if let answer {
        self.answer = nil
        send(answer.response, context: context)
        direct.record(answer)
        return
      }
    }
    context.fireChannelRead(data)
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    if case .end = unwrapOutboundIn(data), passedOn > 0 { passedOn -= 1 }
    context.write(data, promise: promise)
  }

  private func send(_ answer: APIResponse, context: ChannelHandlerContext) {
    let body = answer.bytes
    var fields = answer.httpFields
    fields[.contentLength] = String(body.count)
    fields[.date] = date.now()
    fields[.server] = "mooring"
    let head = HTTPResponse(status: HTTPResponse.Status(code: answer.status), headerFields: fields)
    context.write(wrapOutboundOut(.head(head)), promise: nil)
    context.write(
      wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: body))), promise: nil)
    let sent = context.eventLoop.makePromise(of: Void.self)
    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: sent)
    lastSent = sent.futureResult
  }
}
