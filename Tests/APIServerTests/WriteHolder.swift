import NIOCore

/// Holds every write (and its promise) until `release`, as a socket that takes nothing
/// would: for tests of what waits for answers to be out.
final class WriteHolder: ChannelOutboundHandler {
  typealias OutboundIn = Any
  private var held: [(NIOAny, EventLoopPromise<Void>?)] = []

  var count: Int { held.count }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    held.append((data, promise))
  }

  func flush(context: ChannelHandlerContext) {}

  /// Passes on what was held, flushed.
  func release(context: ChannelHandlerContext) {
    for (data, promise) in held { context.write(data, promise: promise) }
    held = []
    context.flush()
  }
}
