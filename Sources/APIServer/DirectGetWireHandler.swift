import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1

/// The event-loop GET on HTTP/1.1 connections, in front of NIO's HTTP decoder: reads the
/// request bytes itself and writes the whole answer as one buffer, so a GET that
/// `DirectGet` answers costs neither the decoder's parts nor their conversions to and
/// from HTTP types (a quarter of the CPU such a GET took).
///
/// Requests go one of three ways:
/// - A GET head `WireGETRequest` parses and `DirectGet` answers is answered here, when
///   nothing passed on is still being answered and the connection takes more output.
/// - Any other plain GET (no body, the connection kept open: a list, a query, one
///   `DirectGet` declines) goes to the decoder alone, as a whole message, and is answered
///   past it; this handler stays, and answers again once that answer has ended
///   (`DirectGetChannelHandler.inProgress`), so answers stay in request order.
/// - Anything else (another method, a body, `Connection: close`, a head it does not
///   parse) goes to the decoder with every byte after it, and this handler leaves the
///   pipeline: the connection is served as usual from then on.
///
/// At a graceful shutdown with nothing passed on in progress, it answers no more and
/// closes the connection once its answers are out.
final class DirectGetWireHandler: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer
  typealias OutboundOut = ByteBuffer

  /// Bytes of a head at most before it is left to the decoder (which applies its limits).
  static let maxHeadBytes = 16 * 1024
  /// Answer bytes written before a flush: over TLS, writability only changes once written
  /// bytes are flushed, so a long run of pipelined GETs is flushed as it goes.
  static let flushBytes = 64 * 1024

  private let direct: DirectGet
  /// The handler past the decoder, which knows what is still being answered there.
  private weak var downstream: DirectGetChannelHandler?
  /// Bytes read and not yet answered: an incomplete head.
  private var pending: ByteBuffer?
  /// How far into `pending` the end of the head was looked for already.
  private var searched = 0
  /// Handed over to the decoder: everything passes on.
  private var left = false
  /// The server is shutting down: nothing more is answered, the connection closes once
  /// the answers written are out.
  private var quiescing = false
  private var date = HTTPDateHeader.Cache()

  init(_ direct: DirectGet, downstream: DirectGetChannelHandler) {
    self.direct = direct
    self.downstream = downstream
  }

  /// Bytes `pending` holds, read ones included (tests).
  var heldBytes: Int { pending?.capacity ?? 0 }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    if left {
      context.fireChannelRead(data)
      return
    }
    if quiescing { return }
    var incoming = unwrapInboundIn(data)
    if pending == nil {
      pending = incoming
    } else {
      pending!.writeBuffer(&incoming)
    }
    var unflushed = 0
    while let buffer = pending, buffer.readableBytes > 0 {
      let parsed = buffer.withUnsafeReadableBytes { WireGETRequest.parse($0, from: searched) }
      switch parsed {
      case .incomplete where buffer.readableBytes <= Self.maxHeadBytes:
        // Keep only the unread tail (at most `maxHeadBytes`), and resume the search for
        // the head's end where this one stopped.
        pending!.discardReadBytes()
        searched = max(0, buffer.readableBytes - 3)
        if unflushed > 0 { context.flush() }
        return
      case .request(let request):
        guard let downstream else { break }
        if downstream.inProgress == 0, context.channel.isWritable,
          DirectGet.mayAnswer(request.target),
          let answer = direct.answer(
            get: request.target, headers: request.headers,
            remoteAddress: context.channel.remoteAddress?.ipAddress)
        {
          pending!.moveReaderIndex(forwardBy: request.length)
          searched = 0
          let bytes = encode(answer.response, context: context)
          unflushed += bytes.readableBytes
          context.write(wrapOutboundOut(bytes), promise: nil)
          direct.record(answer)
          if unflushed >= Self.flushBytes {
            context.flush()
            unflushed = 0
          }
          continue
        }
        if DirectGet.isPlain(request.headers) {
          // A whole message with no body: the decoder starts and ends on its bounds.
          let head = pending!.readSlice(length: request.length)!
          searched = 0
          if unflushed > 0 {
            context.flush()
            unflushed = 0
          }
          context.fireChannelRead(wrapInboundOut(head))
          if left || quiescing { return }  // the connection went away meanwhile
          continue
        }
      case .incomplete, .other:
        break
      }
      if unflushed > 0 { context.flush() }
      leave(context: context)
      return
    }
    pending = nil
    searched = 0
    if unflushed > 0 { context.flush() }
  }

  func channelInactive(context: ChannelHandlerContext) {
    handOver(context: context)
    context.fireChannelInactive()
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if !left, !quiescing, event is ChannelShouldQuiesceEvent {
      guard downstream?.inProgress == 0 else {
        // Hummingbird closes the connection once its answer is out; nothing more here.
        handOver(context: context)
        context.fireUserInboundEventTriggered(event)
        return
      }
      // Hummingbird has nothing in progress on this connection, so it would close it at
      // once, failing answers written here and not yet sent: close it once they are out.
      quiescing = true
      pending = nil
      let sent = context.eventLoop.makePromise(of: Void.self)
      context.writeAndFlush(
        wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: sent)
      let channel = context.channel
      sent.futureResult.whenComplete { _ in channel.close(promise: nil) }
      return
    }
    // The client closed its side: the decoder decides what a partial head means.
    if case .inputClosed? = event as? ChannelEvent { handOver(context: context) }
    context.fireUserInboundEventTriggered(event)
  }

  /// Hands what is pending to the decoder and leaves the pipeline.
  private func leave(context: ChannelHandlerContext) {
    handOver(context: context)
    context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
  }

  private func handOver(context: ChannelHandlerContext) {
    guard !quiescing else { return }
    left = true
    if let rest = pending, rest.readableBytes > 0 {
      pending = nil
      context.fireChannelRead(wrapInboundOut(rest))
    }
    pending = nil
  }

  /// The answer as HTTP/1.1 bytes: the header fields `DirectGetChannelHandler` sends,
  /// in its order.
  private func encode(_ answer: APIResponse, context: ChannelHandlerContext) -> ByteBuffer {
    let body = answer.bytes
    var out = context.channel.allocator.buffer(capacity: 160 + body.count)
    let status = HTTPResponseStatus(statusCode: answer.status)
    out.writeString("HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n")
    for field in answer.httpFields
    where field.name != .contentLength && field.name != .date && field.name != .server {
      out.writeString(field.name.rawName)
      out.writeStaticString(": ")
      out.writeString(field.value)
      out.writeStaticString("\r\n")
    }
    out.writeStaticString("Content-Length: ")
    out.writeString(String(body.count))
    out.writeStaticString("\r\nDate: ")
    out.writeString(date.now())
    out.writeStaticString("\r\nServer: mooring\r\n\r\n")
    out.writeBytes(body)
    return out
  }
}
