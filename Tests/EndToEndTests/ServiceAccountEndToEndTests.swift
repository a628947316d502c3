import Foundation
import TestSupport
import Testing

/// ServiceAccount tokens Mooring issues: `kubectl create token` (a protobuf TokenRequest),
/// the token authenticating as `system:serviceaccount:NS:NAME` under RBAC, and its
/// revocation when the ServiceAccount is deleted.
@Suite struct ServiceAccountEndToEndTests {
  @Test func createTokenAuthenticatesUnderRBAC() async throws {
    let c = try await KubectlEndToEndTests.Cluster(tls: true)
    let account = try c.file(
      "sa.yaml",
      """
      apiVersion: v1
      kind: ServiceAccount
      metadata: {name: robot, namespace: default}

      """)
    #expect(try c.kubectl(["create", "-f", account]).status == 0)
    let issued = try c.kubectl(["create", "token", "robot", "--duration", "1h"])
    #expect(issued.status == 0, "\(issued)")
    let token = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(token.split(separator: ".").count == 3)

    let before = try c.kubectl(["--token", token, "get", "configmaps"])
    #expect(before.status == 1)
    #expect(
      before.stderr.contains(
        "User \"system:serviceaccount:default:robot\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"default\""
      ), "\(before)")
    let binding = try c.file(
      "binding.yaml",
      """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: configmap-reader}
      rules:
      - {apiGroups: [""], resources: [configmaps], verbs: [get, list, watch]}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: robot-reads, namespace: default}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: configmap-reader}
      subjects:
      - {kind: ServiceAccount, name: robot, namespace: default}

      """)
    #expect(try c.kubectl(["apply", "-f", binding]).status == 0)
    let after = try c.kubectl(["--token", token, "get", "configmaps"])
    #expect(after.status == 0, "\(after)")
    #expect(after.stderr.contains("No resources found in default namespace."))
    // Bound to its namespace only.
    let elsewhere = try c.kubectl(["--token", token, "get", "configmaps", "-A"])
    #expect(elsewhere.status == 1)

    // A forged or tampered token is nobody.
    let tampered = String(token.dropLast(4)) + "AAAA"
    #expect(try c.kubectl(["--token", tampered, "get", "configmaps"]).status == 1)

    // Deleting the ServiceAccount revokes its tokens at once.
    #expect(try c.kubectl(["delete", "serviceaccount", "robot"]).status == 0)
    let revoked = try c.kubectl(["--token", token, "get", "configmaps"])
    #expect(revoked.stderr.contains("Unauthorized"), "\(revoked)")
  }
}
