import ArgumentParser
import Foundation

/// `mooring kubeconfig`: a kubeconfig for the running daemon's API, so that
/// `kubectl --kubeconfig FILE` just works.
struct KubeconfigCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kubeconfig",
    abstract: "Print a kubeconfig for the daemon's API.",
    discussion: """
      Reads the address the daemon listens on from DIR/api-address (written when the API
      starts). Use it as: mooring kubeconfig > mooring.kubeconfig; kubectl --kubeconfig \
      mooring.kubeconfig get namespaces.
      """)

  @Option(help: "The daemon's data directory.")
  var dataDir: String = ".data"

  @Option(help: "The API URL (default: the one in DIR/api-address).")
  var server: String?

  @Option(
    help: "A bearer token (default over https: the administrator's, from DIR/admin.token).")
  var token: String?

  func run() throws {
    let url: String
    if let server {
      url = server
    } else {
      let file = (dataDir as NSString).appendingPathComponent("api-address")
      guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
        throw ValidationError(
          "\(file) does not exist: is `mooring serve --data-dir \(dataDir)` running? Or pass --server URL"
        )
      }
      url = text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    var user = "    {}"
    var authority = ""
    if url.hasPrefix("https://") {
      let token =
        self.token
        ?? (try? String(contentsOfFile: AdminToken.path(dataDir: dataDir), encoding: .utf8))
        .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
      if let token { user = "    token: \(token)" }
      let ca = (dataDir as NSString).appendingPathComponent("serving.crt")
      if let pem = FileManager.default.contents(atPath: ca) {
        authority = "\n    certificate-authority-data: \(pem.base64EncodedString())"
      }
    } else if let token {
      user = "    token: \(token)"
    }
    print(
      """
      apiVersion: v1
      kind: Config
      clusters:
      - name: mooring
        cluster:
          server: \(url)\(authority)
      users:
      - name: admin
        user:
      \(user)
      contexts:
      - name: mooring
        context:
          cluster: mooring
          user: admin
          namespace: default
      current-context: mooring
      """)
  }
}
