import Admission
import Crypto
import Foundation
import Testing

@testable import APIServer

/// Who a bearer token is: token-file users, the identity of requests without credentials,
/// and ServiceAccount JWTs, which only the full check verifies; the event loop's check
/// knows those verified before, within their time window.
@Suite struct TokenAuthenticatorTests {
  @Test func tokenFileUsersAndServiceAccounts() throws {
    let accounts = ServiceAccountTokens(key: P256.Signing.PrivateKey())
    var authenticator = TokenAuthenticator(
      unauthenticated: AdmissionUserInfo(username: "system:anonymous"))
    authenticator.serviceAccounts = accounts
    authenticator.add(token: "alice-token", user: AdmissionUserInfo(username: "alice"))
    let jwt = try accounts.issue(
      namespace: "default", name: "reader", uid: "u1", audiences: [], seconds: 600)

    #expect(authenticator.authenticate(authorization: "Bearer alice-token")?.username == "alice")
    #expect(authenticator.eventLoopUser(authorization: "Bearer alice-token")?.username == "alice")
    #expect(authenticator.authenticate(authorization: nil)?.username == "system:anonymous")
    #expect(authenticator.eventLoopUser(authorization: nil)?.username == "system:anonymous")
    #expect(
      authenticator.authenticate(authorization: "Bearer \(jwt)")?.username
        == "system:serviceaccount:default:reader")
    #expect(authenticator.authenticate(authorization: "Bearer nope") == nil)
    #expect(authenticator.eventLoopUser(authorization: "Basic YTpi") == nil)
  }

  @Test func serviceAccountTokensAreVerifiedOnceAndTheirWindowEveryTime() throws {
    let accounts = ServiceAccountTokens(key: P256.Signing.PrivateKey())
    var authenticator = TokenAuthenticator()
    authenticator.serviceAccounts = accounts
    let now = Date()
    let jwt = try accounts.issue(
      namespace: "default", name: "reader", uid: "u1", audiences: [], seconds: 600, now: now)
    // Not verified yet: the event loop does not check signatures.
    #expect(authenticator.eventLoopUser(authorization: "Bearer \(jwt)") == nil)
    let user = try #require(authenticator.authenticate(authorization: "Bearer \(jwt)"))
    #expect(user.username == "system:serviceaccount:default:reader")
    #expect(user.uid == "u1")
    #expect(user.groups.contains("system:serviceaccounts:default"))
    #expect(authenticator.eventLoopUser(authorization: "Bearer \(jwt)") == user)
    #expect(accounts.verified.count == 1)
    // The time window is checked on every use, cached or not.
    #expect(accounts.verifiedIdentity(jwt, now: now.addingTimeInterval(601)) == nil)
    #expect(accounts.verify(jwt, now: now.addingTimeInterval(601)) == nil)
    #expect(accounts.verify(jwt, now: now.addingTimeInterval(-120)) == nil)
    #expect(accounts.verify(jwt, now: now.addingTimeInterval(599))?.name == "reader")
    // A token with a changed signature or claims is refused and not kept.
    // (The signature's first character: its last one may only carry padding bits.)
    let signatureStart = try #require(jwt.lastIndex(of: ".")).utf16Offset(in: jwt) + 1
    var forgedBytes = Array(jwt.utf8)
    forgedBytes[signatureStart] = forgedBytes[signatureStart] == UInt8(ascii: "A") ? 66 : 65
    let forged = String(decoding: forgedBytes, as: UTF8.self)
    #expect(authenticator.authenticate(authorization: "Bearer \(forged)") == nil)
    let other = ServiceAccountTokens(key: P256.Signing.PrivateKey())
    let foreign = try other.issue(
      namespace: "default", name: "reader", uid: "u1", audiences: [], seconds: 600)
    #expect(accounts.verify(foreign) == nil)
    #expect(accounts.verified.count == 1)
    // A token already expired is refused, and not kept.
    let stale = try accounts.issue(
      namespace: "default", name: "reader", uid: "u1", audiences: [], seconds: 600,
      now: now.addingTimeInterval(-3_600))
    #expect(accounts.verify(stale, now: now) == nil)
    #expect(accounts.verified.count == 1)
    // A token for another audience is no API credential.
    let elsewhere = try accounts.issue(
      namespace: "default", name: "reader", uid: "u1", audiences: ["vault"], seconds: 600)
    #expect(accounts.verify(elsewhere) == nil)
  }

  @Test func theVerifiedTokenCacheIsBounded() {
    let cache = VerifiedTokens(capacity: 3)
    let entry = VerifiedTokens.Entry(
      identity: .init(namespace: "n", name: "a", uid: "u"), notBefore: 0, expires: 1)
    for i in 0..<3 { cache.insert("t\(i)", entry) }
    #expect(cache.count == 3)
    cache.insert("t3", entry)
    #expect(cache.count == 1)
    #expect(cache.entry("t3") == entry)
    #expect(cache.entry("t0") == nil)
  }
}
