import Hummingbird
import NIOCore

/// Hummingbird's per-request context, carrying the client's address for the audit log and
/// the channel (an HTTP/1.1 connection or an HTTP/2 stream), which a shutdown may close.
struct APIRequestContext: RequestContext, RemoteAddressRequestContext {
  var coreContext: CoreRequestContextStorage
  let remoteAddress: SocketAddress?
  let channel: any Channel

  init(source: ApplicationRequestContextSource) {
    coreContext = CoreRequestContextStorage(source: source)
    remoteAddress = source.channel.remoteAddress
    channel = source.channel
  }
}
