import ArgumentParser
import Foundation
import Objects

/// Where a command reaches a running daemon's API instead of its store file: `--server URL`
/// (with `--token`, `--certificate-authority`) or a kubeconfig (`--kubeconfig FILE`, its
/// current context; what `mooring kubeconfig` prints). Flags override the kubeconfig.
struct APIEndpoint: ParsableArguments {
  @Option(help: "The daemon's API URL, e.g. https://127.0.0.1:6443 (instead of --data-dir).")
  var server: String?

  @Option(help: "A kubeconfig file; its current context names the API and credentials.")
  var kubeconfig: String?

  @Option(help: "A bearer token for the API.")
  var token: String?

  @Option(help: "A PEM file of the certificate authority the API's certificate is from.")
  var certificateAuthority: String?

  @Flag(help: "Do not verify the API's certificate (loopback development only).")
  var insecureSkipTLSVerify = false

  /// True when the command should talk to the API.
  var isSet: Bool { server != nil || kubeconfig != nil }

  /// The client the flags (and kubeconfig) describe.
  func client() throws -> APIClient {
    var url = server
    var token = self.token
    var authority = try certificateAuthority.map { path -> [UInt8] in
      guard let data = FileManager.default.contents(atPath: path) else {
        throw ValidationError("cannot read --certificate-authority \(path)")
      }
      return Array(data)
    }
    var insecure = insecureSkipTLSVerify
    if let kubeconfig {
      let context = try KubeconfigContext(path: kubeconfig)
      url = url ?? context.server
      token = token ?? context.token
      authority = authority ?? context.authority
      insecure = insecure || context.insecure
    }
    guard let url, let parsed = URL(string: url) else {
      throw ValidationError("no API server: pass --server URL or a kubeconfig with one")
    }
    do {
      return try APIClient(server: parsed, token: token, authority: authority, insecure: insecure)
    } catch let error as ClientError {
      throw ValidationError(error.description)
    }
  }
}
