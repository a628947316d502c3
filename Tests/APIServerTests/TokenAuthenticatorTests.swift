import Admission
import Crypto
import Testing

@testable import APIServer

/// Who a bearer token is: token-file users, the identity of requests without credentials,
/// and ServiceAccount JWTs, which only the full check (not the event loop's) verifies.
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
    #expect(authenticator.tokenFileUser(authorization: "Bearer alice-token")?.username == "alice")
    #expect(authenticator.authenticate(authorization: nil)?.username == "system:anonymous")
    #expect(authenticator.tokenFileUser(authorization: nil)?.username == "system:anonymous")
    #expect(
      authenticator.authenticate(authorization: "Bearer \(jwt)")?.username
        == "system:serviceaccount:default:reader")
    #expect(authenticator.tokenFileUser(authorization: "Bearer \(jwt)") == nil)
    #expect(authenticator.authenticate(authorization: "Bearer nope") == nil)
    #expect(authenticator.tokenFileUser(authorization: "Basic YTpi") == nil)
  }
}
