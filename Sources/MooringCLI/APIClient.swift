import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Objects

/// A small HTTP/1.1 client of a Mooring (or any Kubernetes) API server: one connection per
/// request, a bearer token, TLS verified against the kubeconfig's certificate authority.
/// What the CLI's commands use when given `--server` or `--kubeconfig`.
struct APIClient: Sendable {
  /// The answer to one request.
  struct Response: Sendable {
    var status: Int
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
  }

  let server: URL
  let token: String?
  let tls: TLSConfiguration?
  let timeout: Duration

  /// - Parameters:
  ///   - authority: PEM certificates to trust (nil: the system's roots).
  ///   - insecure: skip verifying the server's certificate.
  init(
    server: URL, token: String?, authority: [UInt8]?, insecure: Bool,
    timeout: Duration = .seconds(30)
  ) throws {
    guard let scheme = server.scheme, ["http", "https"].contains(scheme), server.host != nil
    else {
      throw ClientError("the server \(server.absoluteString) is not an http(s):// URL")
    }
    self.server = server
    self.token = token
    self.timeout = timeout
    if scheme == "https" {
      var configuration = TLSConfiguration.makeClientConfiguration()
      if let authority {
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(authority))
      }
      if insecure { configuration.certificateVerification = .none }
      tls = configuration
    } else {
      tls = nil
    }
  }

  /// Sends one request (`path` may carry a query) and returns the status and body.
  func send(
    _ method: String, _ path: String, body: [UInt8]? = nil,
    contentType: String = "application/json"
  ) async throws -> Response {
    let host = server.host ?? "127.0.0.1"
    let port = server.port ?? (tls == nil ? 80 : 443)
    let context = try tls.map { try NIOSSLContext(configuration: $0) }
    // SNI and name checks take a host name; for an IP address NIOSSL checks the peer's.
    let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
    let hostname = isAddress ? nil : host
    let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
    do {
      channel = try await connect(host: host, port: port, context: context, hostname: hostname)
    } catch {
      throw ClientError("cannot connect to \(server.absoluteString): \(error)")
    }
    var head = HTTPRequestHead(
      version: .http1_1, method: HTTPMethod(rawValue: method),
      uri: Self.trimmedBase(server.path) + path)
    head.headers.add(name: "Host", value: port == 443 || port == 80 ? host : "\(host):\(port)")
    head.headers.add(name: "Accept", value: "application/json")
    head.headers.add(name: "User-Agent", value: "mooring/\(MooringVersion.string)")
    head.headers.add(name: "Connection", value: "close")
    if let token { head.headers.add(name: "Authorization", value: "Bearer \(token)") }
    if let body {
      head.headers.add(name: "Content-Type", value: contentType)
      head.headers.add(name: "Content-Length", value: "\(body.count)")
    }
    let exchange: @Sendable () async throws -> Response = { [head] in
      try await channel.executeThenClose { inbound, outbound in
        try await outbound.write(.head(head))
        if let body { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
        try await outbound.write(.end(nil))
        var status = 0
        var bytes: [UInt8] = []
        for try await part in inbound {
          switch part {
          case .head(let response): status = Int(response.status.code)
          case .body(let buffer): bytes += buffer.readableBytesView
          case .end: return Response(status: status, body: bytes)
          }
        }
        throw ClientError("the server closed the connection before answering")
      }
    }
    return try await withThrowingTaskGroup(of: Response.self) { group in
      group.addTask {
        do {
          return try await exchange()
        } catch let error as NIOSSLError {
          throw ClientError(
            "TLS with \(server.absoluteString) failed (\(error)): trust its certificate authority with --certificate-authority FILE or --kubeconfig FILE"
          )
        } catch let error as BoringSSLError {
          throw ClientError(
            "TLS with \(server.absoluteString) failed (\(error)): trust its certificate authority with --certificate-authority FILE or --kubeconfig FILE"
          )
        }
      }
      group.addTask { [timeout] in
        try await Task.sleep(for: timeout)
        throw ClientError("no answer from \(server.absoluteString) within \(timeout)")
      }
      defer { group.cancelAll() }
      guard let response = try await group.next() else { throw ClientError("no answer") }
      return response
    }
  }

  /// A connection speaking HTTP/1.1 (over TLS when configured).
  private func connect(
    host: String, port: Int, context: NIOSSLContext?, hostname: String?
  ) async throws -> NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart> {
    try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .connectTimeout(.seconds(10))
      .connect(host: host, port: port) { channel in
        channel.eventLoop.makeCompletedFuture {
          if let context {
            try channel.pipeline.syncOperations.addHandler(
              NIOSSLClientHandler(context: context, serverHostname: hostname))
          }
          try channel.pipeline.syncOperations.addHTTPClientHandlers()
          return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
            wrappingChannelSynchronously: channel)
        }
      }
  }

  /// The server URL's path prefix without a trailing slash (`https://host:6443/` is
  /// common in kubeconfigs; requests must not start with `//`).
  static func trimmedBase(_ path: String) -> String {
    var base = Substring(path)
    while base.hasSuffix("/") { base = base.dropLast() }
    return String(base)
  }

  /// GET of a JSON document; a non-2xx answer throws with the server's message.
  func get(_ path: String) async throws -> Value {
    try Self.document(try await send("GET", path), "GET \(path)")
  }

  /// A JSON merge patch.
  func mergePatch(_ path: String, _ patch: Value) async throws -> Value {
    let response = try await send(
      "PATCH", path, body: Array(JSON.encode(patch).utf8),
      contentType: "application/merge-patch+json")
    return try Self.document(response, "PATCH \(path)")
  }

  /// The decoded body of a successful answer; otherwise an error with the Status message.
  static func document(_ response: Response, _ what: String) throws -> Value {
    let value = try? JSON.decode(response.text)
    guard (200..<300).contains(response.status) else {
      let message =
        value?["message"]?.stringValue
        ?? response.text.trimmingCharacters(in: .whitespacesAndNewlines)
      let hint =
        response.status == 401 ? " (pass --token, or a --kubeconfig from `mooring kubeconfig`)" : ""
      throw ClientError(
        "\(what): \(response.status) \(message.isEmpty ? "(no message)" : message)\(hint)",
        status: response.status)
    }
    guard let value else { throw ClientError("\(what): the answer is not JSON") }
    return value
  }
}

/// A failed API request, with the HTTP status when the server answered.
struct ClientError: Error, CustomStringConvertible {
  var description: String
  var status: Int?

  init(_ description: String, status: Int? = nil) {
    self.description = description
    self.status = status
  }
}
