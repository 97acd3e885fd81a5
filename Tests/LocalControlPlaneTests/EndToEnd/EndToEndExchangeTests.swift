import Foundation
import JSON
import LocalControlPlane
import Testing

/// One local Argo CD at a time: each start generates several RSA keys on the shared cooperative
/// pool (2 cores here), and running them all at once starves timing-sensitive tests elsewhere.
@Suite("Local Argo CD end to end", .serialized)
struct LocalArgoCDEndToEnd {}

extension LocalArgoCDEndToEnd {
/// The end-to-end proof without the controller: a TokenRequest token from the KubeSim,
/// exchanged by hand at the Dex double as argo-cd-cli, accepted by the Argo CD double with
/// can-i answers exactly as a hand-written policy says.
@Suite("End to end: KubeSim → DexSim → ArgoCDSim")
struct EndToEndExchangeTests {
    /// A running local Argo CD with the hand-written connector and policy, and Dex serving it.
    /// Runs `body` with it, and shuts it down, awaited, before returning.
    @discardableResult
    static func configured<Value>(body: (LocalArgoCD, PlainCalls) async throws -> Value) async throws -> Value {
        try await LocalArgoCD.with { env in
            let calls = PlainCalls(env)
            try await calls.createServiceAccount(namespace: "team-a", name: "ci")
            try await calls.patchConfigMap("argocd-rbac-cm", ["policy.csv": HandWritten.policy])
            try await calls.patchConfigMap("argocd-cm", ["dex.config": HandWritten.dexConfig(env)])
            let state = await env.dex.waitForState { if case .running = $0 { true } else { false } }
            guard case .running = state else { throw PlainCalls.Failed(description: "Dex did not start: \(state)") }
            guard await env.argo.waitForSettings() else { throw PlainCalls.Failed(description: "Argo CD did not catch up") }
            return try await body(env, calls)
        }
    }

    static func token(_ env: LocalArgoCD, _ calls: PlainCalls) async throws -> String {
        let subjectToken = try await calls.serviceAccountToken(namespace: "team-a", name: "ci")
        guard let endpoint = await env.dex.tokenEndpoint else { throw PlainCalls.Failed(description: "Dex is down") }
        return try await calls.exchangedToken(subjectToken, connector: HandWritten.connectorID, at: endpoint)
    }

    @Test func handWrittenPolicyDecidesCanI() async throws {
        try await Self.configured { env, calls in
            #expect(await env.dex.issuer == env.argo.baseURL + "/api/dex")
            let token = try await Self.token(env, calls)

            let allowed = try await calls.canI(token, "applications", "sync", "team-a/app")
            #expect(allowed.status == 200 && allowed.value == "yes")
            let otherProject = try await calls.canI(token, "applications", "sync", "team-b/app")
            #expect(otherProject.status == 200 && otherProject.value == "no")
            let otherAction = try await calls.canI(token, "applications", "delete", "team-a/app")
            #expect(otherAction.status == 200 && otherAction.value == "no")
            let noToken = try await calls.get(env.argo.baseURL + "/api/v1/account/can-i/applications/sync/team-a/app")
            #expect(noToken.status == 401)

            let info = try await calls.userInfo(token)
            #expect(info["loggedIn"]?.boolValue == true)
            #expect(info["username"]?.stringValue == HandWritten.subject)
            #expect(info["iss"]?.stringValue == env.dexIssuer)
            #expect(info["groups"]?.arrayValue?.compactMap(\.stringValue) == [HandWritten.group])
        }
    }

    @Test func exchangeThroughArgoCDsDexProxyAtTheIssuer() async throws {
        try await Self.configured { env, calls in
            // What CI jobs call: https://<argocd>/api/dex/token, proxied to argocd-dex-server.
            let subjectToken = try await calls.serviceAccountToken(namespace: "team-a", name: "ci")
            let token = try await calls.exchangedToken(subjectToken, connector: HandWritten.connectorID, at: env.dexIssuer + "/token")
            #expect(try await calls.canI(token, "applications", "sync", "team-a/app").value == "yes")
            let discovery = try await calls.get(env.dexIssuer + "/.well-known/openid-configuration")
            #expect(discovery.status == 200)
            #expect((try? JSONValue.decode(discovery.body))?["issuer"]?.stringValue == env.dexIssuer)
        }
    }

    @Test func dexConfigChangeRestartsDexAndInvalidatesEarlierTokens() async throws {
        try await Self.configured { env, calls in
            let oldToken = try await Self.token(env, calls)
            #expect(try await calls.canI(oldToken, "applications", "sync", "team-a/app").value == "yes")
            let generation = await env.dex.restartCount

            try await calls.patchConfigMap("argocd-cm", ["dex.config": HandWritten.dexConfig(env, name: "Kubernetes (renamed)")])
            let state = await env.dex.waitForRestart(after: generation)
            #expect(state == .running(generation: generation + 1))
            #expect(await env.argo.waitForSettings())

            // New signing keys: Argo CD re-fetches once, and the old signature still fails.
            #expect(try await calls.canI(oldToken, "applications", "sync", "team-a/app").status == 401)
            let newToken = try await Self.token(env, calls)
            #expect(try await calls.canI(newToken, "applications", "sync", "team-a/app").value == "yes")
        }
    }

    @Test func rbacChangeReloadsPolicy() async throws {
        try await Self.configured { env, calls in
            let token = try await Self.token(env, calls)
            try await calls.patchConfigMap("argocd-rbac-cm", ["policy.team-b.csv": "p, role:x, applications, sync, team-b/*, allow\n"])
            #expect(await env.argo.waitForSettings())
            #expect(try await calls.canI(token, "applications", "sync", "team-b/app").value == "yes")
            // Deny wins over the grant.
            try await calls.patchConfigMap("argocd-rbac-cm", ["policy.team-b.csv": "p, role:x, applications, sync, team-b/*, allow\np, \(HandWritten.group), applications, sync, team-b/*, deny\n"])
            #expect(await env.argo.waitForSettings())
            #expect(try await calls.canI(token, "applications", "sync", "team-b/app").value == "no")
        }
    }

    @Test func malformedDexConfigTakesDexDownAndAFixedOneBringsItBack() async throws {
        try await Self.configured { env, calls in
            guard let discovery = await env.dex.discoveryURL else { throw PlainCalls.Failed(description: "Dex is down") }

            // Unparseable YAML: Argo CD treats Dex as not configured; argocd-server stays up.
            try await calls.patchConfigMap("argocd-cm", ["dex.config": "connectors: [oops"])
            var state = await env.dex.waitForState { if case .down = $0 { true } else { false } }
            #expect(state == .down(reason: "dex.config does not parse"))
            #expect(try await calls.get(discovery).status == 503)
            #expect(await env.argo.waitForSettings())
            #expect(await env.argo.exitReason == nil)

            // No connectors: "malformed Dex configuration found", fatal for argocd-server too.
            try await calls.patchConfigMap("argocd-cm", ["dex.config": "expiry:\n  idTokens: 1h\n"])
            #expect(await env.argo.waitForSettings())
            #expect(await env.dex.waitForSettings())
            #expect(await env.argo.exitReason == "malformed Dex configuration found")
            #expect(try await calls.get(env.argo.baseURL + "/api/v1/session/userinfo").status == 503)
            state = await env.dex.state
            #expect(state == .down(reason: "malformed Dex configuration found"))

            let generation = await env.dex.restartCount
            try await calls.patchConfigMap("argocd-cm", ["dex.config": HandWritten.dexConfig(env)])
            state = await env.dex.waitForRestart(after: generation)
            #expect(state == .running(generation: generation + 1))
            #expect(try await calls.get(discovery).status == 200)
            #expect(await env.argo.waitForSettings())
            #expect(await env.argo.exitReason == nil)
            let token = try await Self.token(env, calls)
            #expect(try await calls.canI(token, "applications", "sync", "team-a/app").value == "yes")
        }
    }
}
}
