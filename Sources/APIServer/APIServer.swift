import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Objects

/// The API's HTTP server (Hummingbird): authenticates each request, bounds its body, hands
/// it to the `APIHandler`, and streams the answer back (watch responses chunk by chunk).
public struct APIServer: Sendable {
  public let handler: APIHandler
  public let authenticator: TokenAuthenticator
  public let host: String
  public let port: Int

  public init(handler: APIHandler, authenticator: TokenAuthenticator, host: String, port: Int) {
    self.handler = handler
    self.authenticator = authenticator
    self.host = host
    self.port = port
  }

  /// The server as a lifecycle service; `onListening` gets the bound port (useful with
  /// port 0).
  public func application(
    logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
  ) -> some ApplicationProtocol {
    Application(
      responder: APIResponder(handler: handler, authenticator: authenticator),
      configuration: ApplicationConfiguration(
        address: .hostname(host, port: port), serverName: "mooring"),
      onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
      logger: logger)
  }
}

/// Adapts Hummingbird requests to `APIRequest` and `APIResponse` back.
struct APIResponder: HTTPResponder {
  typealias Context = BasicRequestContext
  let handler: APIHandler
  let authenticator: TokenAuthenticator

  func respond(to request: Request, context: Context) async throws -> Response {
    var request = request
    let (path, query) = APIRequest.split(request.uri.string)
    var headers: [String: String] = [:]
    for field in request.headers {
      let name = field.name.canonicalName
      headers[name] = headers[name].map { "\($0),\(field.value)" } ?? field.value
    }
    var answer: APIResponse
    if let user = authenticator.authenticate(authorization: headers["authorization"]) {
      do {
        let buffer = try await request.collectBody(upTo: handler.maxBodyBytes)
        let body = Array(buffer.readableBytesView)
        answer = await handler.handle(
          APIRequest(
            method: request.method.rawValue, path: path, query: query, headers: headers,
            body: body, user: user))
      } catch {
        answer = .error(.tooLarge(handler.maxBodyBytes))
      }
    } else {
      answer = .error(.unauthorized())
    }
    var fields = HTTPFields()
    for (name, value) in answer.headers {
      if let n = HTTPField.Name(name) { fields.append(HTTPField(name: n, value: value)) }
    }
    switch answer.body {
    case .bytes(let bytes):
      return Response(
        status: HTTPResponse.Status(code: answer.status), headers: fields,
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    case .stream(let stream):
      return Response(
        status: HTTPResponse.Status(code: answer.status), headers: fields,
        body: ResponseBody { writer in
          for await chunk in stream {
            try await writer.write(ByteBuffer(bytes: chunk))
          }
          try await writer.finish(nil)
        })
    }
  }
}
