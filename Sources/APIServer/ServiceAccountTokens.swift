import Crypto
import Foundation
import Objects

/// ServiceAccount tokens Mooring issues and accepts: ES256-signed JWTs with kube's claims
/// (`sub: system:serviceaccount:NS:NAME`, `kubernetes.io.serviceaccount.uid`), signed with
/// a P-256 key generated on first start into DIR/sa-signing.key (mode 0600).
public struct ServiceAccountTokens: Sendable {
  /// The `iss` claim.
  public static let issuer = "https://mooring.local"
  /// The audience the API accepts (a token requested for other audiences is not an API
  /// credential).
  public static let apiAudience = "mooring"

  /// The private key's raw bytes (swift-crypto's key type is not Sendable).
  let keyBytes: [UInt8]
  let keyID: String
  /// Tokens already verified (shared by the copies of this value).
  let verified = VerifiedTokens()

  func privateKey() throws -> P256.Signing.PrivateKey {
    try P256.Signing.PrivateKey(rawRepresentation: keyBytes)
  }

  public init(key: P256.Signing.PrivateKey) {
    keyBytes = Array(key.rawRepresentation)
    let digest = SHA256.hash(data: key.publicKey.derRepresentation)
    keyID = Self.base64URL(Array(digest.prefix(16)))
  }

  /// The signing key in DIR, generated when missing.
  public static func load(dataDir: String) throws -> ServiceAccountTokens {
    let path = (dataDir as NSString).appendingPathComponent("sa-signing.key")
    if let pem = try? String(contentsOfFile: path, encoding: .utf8) {
      return ServiceAccountTokens(key: try P256.Signing.PrivateKey(pemRepresentation: pem))
    }
    let key = P256.Signing.PrivateKey()
    guard
      FileManager.default.createFile(
        atPath: path, contents: Data(key.pemRepresentation.utf8),
        attributes: [.posixPermissions: 0o600])
    else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
    return ServiceAccountTokens(key: key)
  }

  /// Who a verified token speaks for.
  public struct Identity: Sendable, Equatable {
    public var namespace: String
    public var name: String
    public var uid: String
  }

  /// A token for the ServiceAccount, valid for `seconds` from `now`.
  public func issue(
    namespace: String, name: String, uid: String, audiences: [String], seconds: Int64,
    now: Date = Date()
  ) throws -> String {
    let iat = Int64(now.timeIntervalSince1970)
    let header: Value = ["alg": "ES256", "kid": .string(keyID), "typ": "JWT"]
    let claims: Value = [
      "iss": .string(Self.issuer),
      "sub": .string("system:serviceaccount:\(namespace):\(name)"),
      "aud": .list((audiences.isEmpty ? [Self.apiAudience] : audiences).map(Value.string)),
      "iat": .int(iat), "nbf": .int(iat), "exp": .int(iat + seconds),
      "jti": .string(UUID().uuidString.lowercased()),
      "kubernetes.io": [
        "namespace": .string(namespace),
        "serviceaccount": ["name": .string(name), "uid": .string(uid)],
      ],
    ]
    let signingInput =
      Self.base64URL(JSON.encodeBytes(header)) + "." + Self.base64URL(JSON.encodeBytes(claims))
    let signature = try privateKey().signature(for: Array(signingInput.utf8))
    return signingInput + "." + Self.base64URL(Array(signature.rawRepresentation))
  }

  /// The identity of a valid API token; nil when the signature, issuer, audience or time
  /// window does not check out. A token's signature and claims are checked once
  /// (`VerifiedTokens`); its time window on every call.
  public func verify(_ token: String, now: Date = Date()) -> Identity? {
    if let entry = verified.entry(token) { return Self.current(entry, now: now) }
    guard let entry = check(token), let identity = Self.current(entry, now: now) else {
      return nil
    }
    verified.insert(token, entry)  // only tokens valid now: expired ones would crowd it
    return identity
  }

  /// The identity of a token verified before, if it is still valid; nil for any other
  /// (whose check costs too much for the event loop: `verify` does it).
  func verifiedIdentity(_ token: String, now: Date = Date()) -> Identity? {
    verified.entry(token).flatMap { Self.current($0, now: now) }
  }

  /// The entry's identity while `now` is in its time window (a minute of clock skew
  /// allowed before it, as kube allows).
  private static func current(_ entry: VerifiedTokens.Entry, now: Date) -> Identity? {
    let t = Int64(now.timeIntervalSince1970)
    return entry.notBefore <= t + 60 && t < entry.expires ? entry.identity : nil
  }

  /// The signature and claims of an API token, without its time window.
  private func check(_ token: String) -> VerifiedTokens.Entry? {
    let parts = token.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3, let headerBytes = Self.decodeBase64URL(parts[0]),
      let claimBytes = Self.decodeBase64URL(parts[1]),
      let signatureBytes = Self.decodeBase64URL(parts[2]),
      let header = try? JSON.decode(headerBytes), header["alg"] == "ES256",
      let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signatureBytes),
      let key = try? privateKey(),
      key.publicKey.isValidSignature(signature, for: Array("\(parts[0]).\(parts[1])".utf8)),
      let claims = try? JSON.decode(claimBytes), claims["iss"]?.stringValue == Self.issuer,
      let exp = claims["exp"]?.intValue, let nbf = claims["nbf"]?.intValue,
      claims["aud"]?.listValue?.contains(.string(Self.apiAudience)) == true,
      let namespace = claims[path: ValuePath(keys: "kubernetes.io", "namespace")]?.stringValue,
      let name = claims[path: ValuePath(keys: "kubernetes.io", "serviceaccount", "name")]?
        .stringValue,
      let uid = claims[path: ValuePath(keys: "kubernetes.io", "serviceaccount", "uid")]?
        .stringValue
    else { return nil }
    return VerifiedTokens.Entry(
      identity: Identity(namespace: namespace, name: name, uid: uid), notBefore: Int64(nbf),
      expires: Int64(exp))
  }

  static func base64URL(_ bytes: [UInt8]) -> String {
    Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
      .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
  }

  static func decodeBase64URL(_ text: Substring) -> [UInt8]? {
    var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while s.count % 4 != 0 { s += "=" }
    return Data(base64Encoded: s).map(Array.init)
  }
}
