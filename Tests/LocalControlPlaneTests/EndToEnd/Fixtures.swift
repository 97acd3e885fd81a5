import Foundation
import JSON
import LocalControlPlane
import TestSupport

extension LocalArgoCD {
    /// Runs `body` against a fresh local Argo CD and always shuts it down, awaited, before
    /// returning (also when `body` throws).
    @discardableResult
    static func with<Value>(_ options: Options = Options(), body: (LocalArgoCD) async throws -> Value) async throws -> Value {
        try await withTeardown({ try await start(options) }, body: body, teardown: { env in await env.shutdown() })
    }
}

/// Hand-written settings, as an admin would type them (no controller involved).
enum HandWritten {
    static let connectorID = "k8s"

    /// One oidc connector for the cluster's service-account issuer, the way DESIGN.md §2 shapes
    /// the controller's connectors: rootCAs inline, scopes [openid], userNameKey sub, and a group
    /// `<id>:<sub>` from newGroupFromClaims. `name` varies it (each distinct config restarts Dex).
    static func dexConfig(_ env: LocalArgoCD, name: String = "Kubernetes") -> String {
        let pem = env.serviceAccountIssuerCAPEM.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n")
        return """
        connectors:
        - type: oidc
          id: \(connectorID)
          name: \(name)
          config:
            issuer: \(env.serviceAccountIssuer)
            rootCAs:
            - |
        \(pem)
            scopes: [openid]
            userNameKey: sub
            insecureSkipEmailVerified: true
            claimModifications:
              newGroupFromClaims:
              - prefix: \(connectorID)
                delimiter: ":"
                claims: [sub]

        """
    }

    static let subject = "system:serviceaccount:team-a:ci"
    static let group = "\(connectorID):\(subject)"

    static let policy = """
    p, role:x, applications, sync, team-a/*, allow
    g, \(group), role:x

    """
}

/// Waits (on the KubeSim's own change stream, with a deadline) until an object satisfies a
/// condition; returns its last state, nil on timeout.
func waitForObject(_ kube: KubeSim, plural: String, group: String = "", namespace: String, name: String,
                   timeout: Duration = .seconds(10), _ condition: @escaping @Sendable (JSONValue?) -> Bool) async -> JSONValue? {
    let (current, updates) = await kube.changes(group: group, plural: plural, namespace: namespace)
    let initial = current.first { $0["metadata"]?["name"]?.stringValue == name }
    if condition(initial) { return initial }
    return await withTaskGroup(of: JSONValue?.self) { tasks in
        tasks.addTask {
            for await object in updates where object["metadata"]?["name"]?.stringValue == name {
                if condition(object) { return object }
            }
            return nil
        }
        tasks.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        let first = await tasks.next() ?? nil
        tasks.cancelAll()
        return first
    }
}
