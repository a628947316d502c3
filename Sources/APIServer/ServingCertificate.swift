import Crypto
import Foundation
import SwiftASN1
import X509

/// The API's TLS identity: a certificate and key in PEM files, given by the operator or
/// generated on first start (self-signed ECDSA P-256, valid for `localhost`, 127.0.0.1 and
/// the listen host) into the data directory and reused afterwards.
public struct ServingCertificate: Sendable {
  public var certificatePath: String
  public var keyPath: String

  public init(certificatePath: String, keyPath: String) {
    self.certificatePath = certificatePath
    self.keyPath = keyPath
  }

  /// The certificate in DIR (`serving.crt`, `serving.key`), generated when missing.
  public static func selfSigned(in directory: String, hosts: [String]) throws -> ServingCertificate
  {
    let cert = (directory as NSString).appendingPathComponent("serving.crt")
    let key = (directory as NSString).appendingPathComponent("serving.key")
    let fm = FileManager.default
    if !(fm.fileExists(atPath: cert) && fm.fileExists(atPath: key)) {
      let (certificatePEM, keyPEM) = try generate(hosts: hosts)
      guard
        fm.createFile(
          atPath: key, contents: Data(keyPEM.utf8), attributes: [.posixPermissions: 0o600])
      else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: key]) }
      try Data(certificatePEM.utf8).write(to: URL(fileURLWithPath: cert), options: .atomic)
    }
    return ServingCertificate(certificatePath: cert, keyPath: key)
  }

  /// A new self-signed certificate and its key, both PEM.
  static func generate(hosts: [String]) throws -> (certificate: String, key: String) {
    let key = P256.Signing.PrivateKey()
    let name = try DistinguishedName {
      OrganizationName("Mooring")
      CommonName("mooring-apiserver")
    }
    var names: [GeneralName] = []
    for host in Set(["localhost", "127.0.0.1"] + hosts) where !host.isEmpty {
      if let bytes = ipv4Bytes(host) {
        names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))))
      } else if host != "0.0.0.0" {
        names.append(.dnsName(host))
      }
    }
    let now = Date()
    let certificate = try Certificate(
      version: .v3, serialNumber: Certificate.SerialNumber(),
      publicKey: Certificate.PublicKey(key.publicKey),
      notValidBefore: now.addingTimeInterval(-300),
      notValidAfter: now.addingTimeInterval(10 * 365 * 86400), issuer: name, subject: name,
      signatureAlgorithm: .ecdsaWithSHA256,
      extensions: try Certificate.Extensions {
        Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
        Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
        try ExtendedKeyUsage([.serverAuth])
        SubjectAlternativeNames(names)
      },
      issuerPrivateKey: Certificate.PrivateKey(key))
    return (try certificate.serializeAsPEM().pemString, key.pemRepresentation)
  }

  static func ipv4Bytes(_ host: String) -> [UInt8]? {
    let parts = host.split(separator: ".")
    guard parts.count == 4 else { return nil }
    let bytes = parts.compactMap { UInt8($0) }
    return bytes.count == 4 ? bytes : nil
  }
}
