import Admission
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import Objects
import ServiceLifecycle

/// The API's HTTP server (Hummingbird): authenticates each request, bounds its body, hands
/// it to the `APIHandler`, and streams the answer back (watch responses chunk by chunk).
public struct APIServer: Sendable {
  public let handler: APIHandler
  public let authenticator: TokenAuthenticator
  public let host: String
  public let port: Int
  /// The TLS identity; nil serves plain HTTP.
  public let certificate: ServingCertificate?
  /// The file every request is written to, if any.
  public let auditLog: AuditLog?
  /// The store's request trail every request goes to, if any.
  public let requestTrail: RequestAuditTrail?

  public init(
    handler: APIHandler, authenticator: TokenAuthenticator, host: String, port: Int,
    certificate: ServingCertificate?, auditLog: AuditLog? = nil,
    requestTrail: RequestAuditTrail? = nil
  ) {
    self.auditLog = auditLog
    self.requestTrail = requestTrail
    self.handler = handler
    self.authenticator = authenticator
    self.host = host
    self.port = port
    self.certificate = certificate
  }

  /// How long a shutdown waits for a watch client that stopped reading before closing its
  /// connection.
  static let shutdownGrace = TimeAmount.seconds(10)

  /// The server as a lifecycle service; `onListening` gets the bound port (useful with
  /// port 0).
  public func application(
    logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
  ) throws -> some ApplicationProtocol {
    let recorder = RequestRecorder(
      metrics: handler.metrics != nil, auditLog: auditLog, requestTrail: requestTrail)
    let direct = DirectGet(handler: handler, authenticator: authenticator, recorder: recorder)
    let http1 = HTTP1Channel.Configuration(
      additionalChannelHandlers: [DirectGetChannelHandler(direct)])
    var server = HTTPServerBuilder.http1(configuration: http1)
    if let certificate {
      let chain = try NIOSSLCertificate.fromPEMFile(certificate.certificatePath).map {
        NIOSSLCertificateSource.certificate($0)
      }
      let key = try NIOSSLPrivateKey(file: certificate.keyPath, format: .pem)
      // HTTP/2 where the client offers it in ALPN (as kubectl and client-go do, and as
      // kube-apiserver answers), HTTP/1.1 otherwise. Each HTTP/2 stream gets the same
      // handlers as an HTTP/1.1 connection, the event-loop GET included.
      server = try .http2Upgrade(
        tlsConfiguration: .makeServerConfiguration(
          certificateChain: chain, privateKey: .privateKey(key)),
        // At shutdown, connections whose streams have not ended `shutdownGrace` after
        // GOAWAY (a watcher that stopped reading) are closed.
        configuration: HTTP2UpgradeChannel.Configuration(
          gracefulCloseTimeout: .nanoseconds(Self.shutdownGrace.nanoseconds),
          streamConfiguration: http1))
    }
    return Application(
      responder: APIResponder(
        handler: handler, authenticator: authenticator, recorder: recorder),
      server: server,
      configuration: ApplicationConfiguration(
        address: .hostname(host, port: port), serverName: "mooring"),
      onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
      logger: logger)
  }
}

/// Adapts Hummingbird requests to `APIRequest` and `APIResponse` back.
struct APIResponder: HTTPResponder {
  typealias Context = APIRequestContext
  let handler: APIHandler
  let authenticator: TokenAuthenticator
  let recorder: RequestRecorder

  /// What anyone may read without credentials (kube's `system:public-info-viewer`).
  static let publicPaths: Set<String> = ["/healthz", "/livez", "/readyz", "/version"]

  func respond(to request: Request, context: Context) async throws -> Response {
    var request = request
    let received = Date()
    let (path, query) = APIRequest.split(request.uri.string)
    let headers = APIRequest.headers(request.headers)
    var answer: APIResponse
    var user = authenticator.authenticate(authorization: headers["authorization"])
    if user == nil, path.hasPrefix(APIHandler.hookPrefix) {
      // The receiver checks the hook's own token or signature.
      user = AdmissionUserInfo(username: "system:anonymous", groups: ["system:unauthenticated"])
    } else if user == nil, headers["authorization"] == nil, Self.publicPaths.contains(path) {
      user = AdmissionUserInfo(username: "system:anonymous", groups: ["system:unauthenticated"])
    }
    if let account = user, !handler.serviceAccountExists(account) {
      user = nil  // a token of a deleted (or re-created) ServiceAccount
    }
    if let user {
      var apiRequest = APIRequest(
        method: request.method.rawValue, path: path, query: query, headers: headers, user: user)
      apiRequest.sourceAddress = context.remoteAddress?.ipAddress
      do {
        let buffer = try await request.collectBody(upTo: handler.maxBodyBytes)
        apiRequest.body = Array(buffer.readableBytesView)
        answer = await handler.handle(apiRequest)
      } catch {
        answer = .error(.tooLarge(handler.maxBodyBytes))
      }
      recorder.record(apiRequest, answer, received: received)
    } else {
      answer = .error(.unauthorized())
      recorder.recordUnauthenticated(
        APIRequest(method: request.method.rawValue, path: path, query: query, headers: headers),
        received: received)
    }
    let fields = answer.httpFields
    switch answer.body {
    case .bytes(let bytes):
      return Response(
        status: HTTPResponse.Status(code: answer.status), headers: fields,
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    case .chunked(let chunks):
      return Response(
        status: HTTPResponse.Status(code: answer.status), headers: fields,
        body: ResponseBody { [logger = handler.logger] writer in
          for i in 0..<chunks.count {
            let bytes: [UInt8]
            do {
              bytes = try chunks.chunk(i)
            } catch {
              // The 200 head is out: all that is left is to cut the answer short, which
              // the client sees as a truncated body, and to say why.
              logger.error(
                "list answer cut short", metadata: ["path": "\(path)", "error": "\(error)"])
              throw error
            }
            try await writer.write(ByteBuffer(bytes: bytes))
          }
          try await writer.finish(nil)
        })
    case .stream(let queue):
      return Response(
        status: HTTPResponse.Status(code: answer.status), headers: fields,
        body: ResponseBody { [release = FinishOnRelease(queue)] writer in
          // However this ends (the client gone, a write failed), the producer stops; and
          // if the body never runs (the head could not be sent), `release` stops it.
          defer { queue.finish() }
          withExtendedLifetime(release) {}
          // A graceful shutdown ends watches cleanly, as kube-apiserver's does: clients
          // see the stream end and watch again (the new server), and the server does not
          // wait for them to hang up.
          try await withGracefulShutdownHandler {
            for await chunk in queue {
              try await writer.write(ByteBuffer(bytes: chunk))
            }
          } onGracefulShutdown: { [channel = context.channel] in
            queue.finish()
            // A client that stopped reading leaves the last write waiting: its connection
            // (or HTTP/2 stream) is closed after a grace period so the shutdown can end.
            channel.eventLoop.scheduleTask(in: APIServer.shutdownGrace) {
              channel.close(promise: nil)
            }
          }
          try await writer.finish(nil)
        })
    }
  }
}
