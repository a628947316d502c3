import Foundation

/// The administrator's bearer token: random, generated on the daemon's first start into
/// DIR/admin.token (mode 0600), and put into the kubeconfig `mooring kubeconfig` prints.
enum AdminToken {
  static func path(dataDir: String) -> String {
    (dataDir as NSString).appendingPathComponent("admin.token")
  }

  /// The token, created when missing.
  static func load(dataDir: String) throws -> String {
    let file = path(dataDir: dataDir)
    if let text = try? String(contentsOfFile: file, encoding: .utf8) {
      let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
      if !token.isEmpty { return token }
    }
    var bytes = [UInt8](repeating: 0, count: 32)
    var generator = SystemRandomNumberGenerator()
    for i in bytes.indices { bytes[i] = generator.next() }
    let token = bytes.map { String(format: "%02x", $0) }.joined()
    guard
      FileManager.default.createFile(
        atPath: file, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600])
    else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file]) }
    return token
  }
}
