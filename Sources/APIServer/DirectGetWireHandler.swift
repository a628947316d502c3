import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1

/// The event-loop GET on HTTP/1.1 connections, in front of NIO's HTTP decoder: reads the
/// request bytes itself and writes the whole answer as one buffer, so a GET that
/// `DirectGet` answers costs neither the decoder's parts nor their conversions to and
/// from HTTP types (a quarter of the CPU such a GET took).
///
/// It answers while the connection sends nothing but GET heads `WireGETRequest` parses
/// and `DirectGet` answers, and while the connection takes more output. At the first
/// request that is anything else, it hands that request and every byte after it to the
/// decoder and leaves the pipeline: from then on the connection is served as usual (and
/// `DirectGetChannelHandler` answers its GETs past the decoder). Nothing it answered is
/// pending then, so answers stay in request order. At a graceful shutdown it answers no
/// more and closes the connection once its answers are out.
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
  /// Bytes read and not yet answered: an incomplete head.
  private var pending: ByteBuffer?
  /// How far into `pending` the end of the head was looked for already.
  private var searched = 0
  /// Handed over to the decoder: everything passes on.
  private var left = false
  /// The server is shutting down: nothing more is answered, the connection closes once
  /// the answers written are out.
  private var quiescing = false
  private var date: (seconds: Int, value: String) = (0, "")

  init(_ direct: DirectGet) { self.direct = direct }

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
        if context.channel.isWritable, DirectGet.mayAnswer(request.target),
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
      // Hummingbird has seen no request on this connection, so it would close it at once,
      // failing answers written here and not yet sent: close it once they are out.
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
    let seconds = Int(time(nil))
    if date.seconds != seconds { date = (seconds, HTTPDateHeader.value(seconds: seconds)) }
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
    out.writeString(date.value)
    out.writeStaticString("\r\nServer: mooring\r\n\r\n")
    out.writeBytes(body)
    return out
  }
}
